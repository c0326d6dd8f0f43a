// Named fault points in the persistence actors and the relay, armed from configuration or at
// run time (tests, admin endpoint). Disarmed points cost one atomic load.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat {

namespace fault_point {
constexpr const char* message_insert = "message.insert";
constexpr const char* message_finalize = "message.finalize";
constexpr const char* message_delete = "message.delete";
constexpr const char* room_commit = "room.commit";
/// The transaction of a batch of message changes (edit, delete, reactions, pins, previews).
constexpr const char* room_change = "room.change";
/// Applying message changes to the messages store.
constexpr const char* message_apply = "message.apply";
constexpr const char* outbox_claim = "outbox.claim";
constexpr const char* kafka_produce = "kafka.produce";
/// The scheduler's claim of due occurrences, right after its transaction committed.
constexpr const char* schedule_claim = "schedule.claim";
/// Recording how an occurrence ended, before its transaction (after the message's saga).
constexpr const char* schedule_finish = "schedule.finish";
/// chat-streamer: after a batch's transaction committed, before its offsets are committed.
constexpr const char* streamer_offsets = "streamer.offsets";
} // namespace fault_point

/// The names of chatd's fault points (chat-streamer arms streamer.offsets itself).
const std::vector<std::string>& fault_point_names();

enum class fault_action {
  /// The operation fails (its transaction rolls back).
  fail,
  /// The operation is delayed, then proceeds.
  delay,
  /// The operation stalls past any step timeout, then proceeds (its effect arrives late).
  hang,
  /// The actor running the operation dies mid-operation (before its commit).
  crash,
  /// The whole process dies on the spot, as with kill -9.
  kill,
};

struct fault_spec {
  fault_action action = fault_action::fail;
  /// Delay or hang duration.
  std::chrono::milliseconds duration{0};
  /// Remaining hits that fire; negative: unlimited.
  int64_t remaining = -1;
  /// Chance that a hit fires.
  double probability = 1.0;
};

/// Parses "action[=duration][*count][@probability]", e.g. "fail", "fail*3", "fail@0.2",
/// "delay=200ms", "hang=5s*1", "crash*1". Returns nullopt and sets `error` when malformed.
std::optional<fault_spec> parse_fault_spec(std::string_view text, std::string& error);

std::string to_string(const fault_spec& x);

class fault_registry {
public:
  struct point_stats {
    std::string spec; // empty when disarmed
    int64_t hits = 0;
    int64_t fired = 0;
  };

  /// The process-wide registry.
  static fault_registry& instance();

  void arm(const std::string& point, fault_spec spec);
  void disarm(const std::string& point);
  void disarm_all();

  /// Called at a fault point. Fires the armed fault if any: throws store_error
  /// (fault_injected) for fail, worker_crash for crash, sleeps for delay and hang.
  void hit(std::string_view point);

  std::map<std::string, point_stats> stats() const;

private:
  mutable std::mutex mtx_;
  std::atomic<bool> armed_{false};
  std::map<std::string, fault_spec, std::less<>> specs_;
  std::map<std::string, point_stats, std::less<>> stats_;
};

} // namespace chat
