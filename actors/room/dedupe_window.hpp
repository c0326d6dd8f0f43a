// A room's memory of recent (sender, tempId) pairs, the first line of idempotency: a send
// again of the same message is answered from here; the same tempId with other content is a
// reuse. Older pairs are caught by the messages store's unique (sender, tempId) index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <caf/typed_actor.hpp>

#include "protocol/interfaces/delivery.hpp"

namespace chat {

class dedupe_window {
public:
  struct entry {
    /// The room's message with this (sender, tempId): its seq and id.
    int64_t seq = 0;
    std::string message_id;
    /// Of the content it was sent with: the same tempId with another content is a reuse.
    uint64_t content_hash = 0;
    bool saved = false;
    /// Further senders of the same message while it is in flight.
    std::vector<status_sink_actor> waiters;
    /// The first sender, whose saga tells it the outcome (unless the saga ends undecided).
    status_sink_actor origin;
  };

  explicit dedupe_window(size_t capacity);

  void set_capacity(size_t capacity);

  /// The entry of a (sender, tempId), or nullptr.
  entry* find(int64_t sender_id, const std::string& temp_id);

  /// Remembers a pair (no-op if it is known); forgets the oldest beyond the capacity.
  void remember(int64_t sender_id, const std::string& temp_id, entry value);

  /// Forgets a pair (a failed send may run again).
  void forget(int64_t sender_id, const std::string& temp_id);

  /// Forgets the unsaved pair of a seq (its saga died without reporting).
  void forget_unsaved_seq(int64_t seq);

  size_t size() const { return entries_.size(); }

  static uint64_t hash_content(std::string_view content);

private:
  static std::string key_of(int64_t sender_id, const std::string& temp_id);

  size_t capacity_;
  std::unordered_map<std::string, entry> entries_;
  std::deque<std::string> order_;
};

} // namespace chat
