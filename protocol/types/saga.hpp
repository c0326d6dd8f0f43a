// Message saga states, delivery statuses and dead letters.
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

#include "protocol/types/message.hpp"

namespace chat {

/// States of a message saga.
enum class saga_state : uint8_t {
  started = 0,
  completed,
  compensating,
  compensated,
  failed,
};

const char* to_string(saga_state x);

/// Delivery status of a message as reported to its sender.
enum class delivery_status : uint8_t {
  sending = 0,
  processing,
  saved,
  failed,
};

const char* to_string(delivery_status x);

/// The status of one of the sender's messages (`/topic/message/status/{roomId}`).
struct status_event {
  int64_t room_id = 0;
  std::string temp_id;
  delivery_status status = delivery_status::sending;
  std::string persisted_id;
  int64_t seq = 0;
  /// Wire error code (e.g. "NOT_MEMBER") when the status is failed.
  std::string error_code;
  std::string error_message;
  int64_t created_at = 0;
  /// The seq of the saga that reports this status (not on the wire): a gateway that sent the
  /// message again, after its room actor died, tells the statuses of the old saga apart.
  int64_t saga_seq = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, status_event& x) {
  return f(caf::meta::type_name("chat::status_event"), x.room_id, x.temp_id, x.status,
           x.persisted_id, x.seq, x.error_code, x.error_message, x.created_at, x.saga_seq);
}

/// A status of a sender's message, stamped now.
status_event make_status(int64_t room_id, const std::string& temp_id, delivery_status status,
                         int64_t seq = 0, std::string persisted_id = {});

/// What a saga tells its room when it ends.
struct saga_outcome {
  /// The seq the room assigned to this saga.
  int64_t seq = 0;
  saga_state state = saga_state::started;
  /// True when the message is durable and visible (state completed); the room delivers it.
  bool committed = false;
  /// True when the store already held a message with the same (sender, tempId): this saga's
  /// seq stays unused and `message` is the stored one.
  bool duplicate = false;
  /// False when the saga ended without a durable decision (every store unreachable): the
  /// sender was told nothing final and recovery will decide.
  bool decided = true;
  chat_message message;
  std::string error_code;
  std::string error_message;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, saga_outcome& x) {
  return f(caf::meta::type_name("chat::saga_outcome"), x.seq, x.state, x.committed, x.duplicate,
           x.decided, x.message, x.error_code, x.error_message);
}

/// A saga whose compensation could not finish; recovery retries it.
struct saga_dead_letter {
  std::string message_id;
  int64_t room_id = 0;
  int64_t seq = 0;
  int64_t sender_id = 0;
  std::string temp_id;
  /// The step that failed and why, and the compensation step that failed and why.
  std::string reason;
  int64_t created_at = 0;
  /// 0 while unresolved.
  int64_t resolved_at = 0;
  int32_t attempts = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, saga_dead_letter& x) {
  return f(caf::meta::type_name("chat::saga_dead_letter"), x.message_id, x.room_id, x.seq,
           x.sender_id, x.temp_id, x.reason, x.created_at, x.resolved_at, x.attempts);
}

/// Recovery counts of one sweep.
struct sweep_report {
  int32_t forwarded = 0;
  int32_t aborted = 0;
  int32_t errors = 0;
  /// Message changes applied to the messages store by recovery.
  int32_t reapplied = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, sweep_report& x) {
  return f(caf::meta::type_name("chat::sweep_report"), x.forwarded, x.aborted, x.errors,
           x.reapplied);
}

} // namespace chat
