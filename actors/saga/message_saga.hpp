// The saga of one message: step 1 insert pending (messages store), step 2 room commit with
// outbox events (room actor -> rooms store), step 3 finalize (messages store). A failure
// compensates the steps already done (or possibly done) in reverse, with bounded retries.
#pragma once

#include <chrono>
#include <deque>
#include <string>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/saga/saga_settings.hpp"
#include "protocol/interfaces/delivery.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/saga.hpp"

namespace chat {

/// The actors a saga drives.
struct saga_deps {
  message_store_actor messages;
  commit_store_actor commits;
  room_actor room;
};

/// Compensation steps, in the order they must run.
enum class undo_step {
  /// Undo step 2: tombstone the message and remove its room commit if there is one.
  abort_commit,
  /// Undo step 1: delete the stored message.
  delete_message,
};

struct message_saga_state {
  static inline const char* name = "message_saga";

  chat_message message;
  status_sink_actor sink;
  saga_deps deps;
  saga_settings settings;
  saga_state state = saga_state::started;
  std::chrono::steady_clock::time_point started_at;

  /// Why the saga compensates (wire code and text).
  std::string failure_code;
  std::string failure_reason;
  /// Compensation steps still to run, first one first.
  std::deque<undo_step> undo;
  /// Failed attempts of the current compensation step.
  int attempts = 0;
  /// The room actor is gone: abort through the rooms store directly.
  bool room_gone = false;
};

/// `message` carries its id and seq (assigned by the room). The saga reports SAVED / FAILED to
/// `sink` and its outcome to the room, then quits.
message_saga_actor::behavior_type
message_saga(message_saga_actor::stateful_pointer<message_saga_state> self, chat_message message,
             status_sink_actor sink, saga_deps deps, saga_settings settings);

/// True for errors after which a step may or may not have taken effect (timeouts, crashes,
/// a connection lost during COMMIT, the receiver gone).
bool is_ambiguous(const caf::error& err);

} // namespace chat
