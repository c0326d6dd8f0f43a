// The bound on messages a node has admitted and not yet saved or failed, over all its rooms
// ([room] max-in-flight). Over it a send is refused at once (FAILED, OVERLOADED) instead of
// queueing: under overload the node keeps its queues and memory bounded and what it admits
// keeps its latency. The room manager makes one per node; each room holds places in it.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace chat {

class admission_gate {
public:
  /// `limit` 0: no bound.
  explicit admission_gate(size_t limit) : limit_(limit) {}

  /// Takes a place; false (and nothing taken) when every place is taken.
  bool enter() {
    auto before = in_flight_.fetch_add(1, std::memory_order_relaxed);
    if (limit_ == 0 || before < limit_)
      return true;
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }

  void leave(size_t places = 1) { in_flight_.fetch_sub(places, std::memory_order_relaxed); }

  size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

  size_t limit() const { return limit_; }

private:
  std::atomic<size_t> in_flight_{0};
  size_t limit_;
};

/// The places one room holds in its node's gate; what is still held goes back when the room's
/// state goes (a room that stops with sagas still running does not leak places).
class admission_places {
public:
  admission_places() = default;
  admission_places(const admission_places&) = delete;
  admission_places& operator=(const admission_places&) = delete;
  ~admission_places() { reset(); }

  /// Holds places of `gate` from now on (null: no bound).
  void use(std::shared_ptr<admission_gate> gate) {
    reset();
    gate_ = std::move(gate);
  }

  /// A place for one more message; false when the node is full.
  bool take() {
    if (!gate_)
      return true;
    if (!gate_->enter())
      return false;
    ++held_;
    return true;
  }

  /// A message of this room was saved or failed.
  void give_back() {
    if (gate_ && held_ > 0) {
      --held_;
      gate_->leave();
    }
  }

  size_t held() const { return held_; }

private:
  void reset() {
    if (gate_ && held_ > 0)
      gate_->leave(held_);
    held_ = 0;
  }

  std::shared_ptr<admission_gate> gate_;
  size_t held_ = 0;
};

} // namespace chat
