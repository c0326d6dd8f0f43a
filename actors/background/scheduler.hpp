// The scheduler of a node: every poll it claims the scheduled occurrences that are due (the
// schedule store's claims make exactly one node fire each), then sends each through its room's
// actor and saga with tempId schedule:{id}:{occurrence}, so that sending an occurrence again
// after a crash or a timeout is deduplicated, never doubled. An occurrence is recorded once its
// message is SAVED (the next one becomes due) or FAILED for good (the sender is no longer a
// member, ...); anything else gives it back to be tried again.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "protocol/interfaces/background.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/saga.hpp"
#include "protocol/types/schedule.hpp"

namespace chat {

/// [schedules] in config/chatd.ini (CAF owns [scheduler]).
struct scheduler_settings {
  bool enabled = true;
  /// How often the store is asked for due occurrences (the lateness of an idle node).
  caf::timespan poll_interval = std::chrono::milliseconds(200);
  /// How long a claim holds: a node that dies while firing gives its occurrences to the others
  /// after this.
  caf::timespan lease = std::chrono::seconds(30);
  /// When an occurrence that could not be sent (no final status, a room unavailable) is tried
  /// again.
  caf::timespan retry_delay = std::chrono::seconds(2);
  /// How long a fired occurrence waits for its final status.
  caf::timespan fire_timeout = std::chrono::seconds(15);
  caf::timespan request_timeout = std::chrono::seconds(10);
  /// Most occurrences claimed by one poll, and held at once.
  size_t batch = 32;
  size_t max_in_flight = 64;
  /// The node that claims (copied from [node] id).
  std::string node;

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

/// What the scheduler works with. `may_send` is the sender's rate limit (the budget the
/// gateway also takes from); an occurrence whose sender is out of budget waits for the next
/// poll. `tell_sender` forwards a final status to the sender's sessions. `now` is the clock (ms).
struct scheduler_deps {
  schedule_store_actor store;
  room_directory_actor directory;
  std::function<bool(int64_t sender)> may_send;
  std::function<void(int64_t sender, const status_event&)> tell_sender;
  std::function<int64_t()> now;
};

struct scheduler_state {
  static inline const char* name = "scheduler";

  /// A claimed occurrence.
  struct claimed {
    scheduled_message schedule;
    std::string temp_id;
    bool fired = false;
  };

  scheduler_settings settings;
  scheduler_deps deps;
  /// The occurrences this node holds, by schedule id (one occurrence per schedule at a time).
  std::unordered_map<int64_t, claimed> held;
  /// Held and not fired yet, oldest first.
  std::deque<int64_t> ready;
  bool claiming = false;
  /// False until the claims of this node's previous run were given back.
  bool started = false;
};

scheduler_actor::behavior_type scheduler(scheduler_actor::stateful_pointer<scheduler_state> self,
                                         scheduler_settings settings, scheduler_deps deps);

/// The tempId of an occurrence: schedule:{id}:{occurrence}.
std::string occurrence_temp_id(int64_t schedule_id, int64_t occurrence);

/// True for the failure codes that no retry changes (NOT_MEMBER, BLOCKED, ...): the occurrence
/// FAILED for good. Others (UNAVAILABLE, a compensated saga) are tried again.
bool fails_for_good(const std::string& error_code);

} // namespace chat
