// What rooms publish to their subscribers and what reaches users' sessions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>

namespace chat {

/// What a room publishes to its subscribers, per destination kind.
enum class room_topic : uint8_t {
  /// `/topic/messages/{roomId}`: committed messages, in seq order.
  messages = 0,
  /// `/topic/typing/{roomId}`.
  typing,
  /// `/topic/active/{roomId}`.
  active,
  /// `/topic/message/updates/{roomId}`: changes of existing messages, in version order.
  updates,
  /// `/topic/read/{roomId}`: read receipts.
  read,
};

const char* to_string(room_topic x);

/// One event of a room for its subscribers: the JSON body is encoded once.
struct room_broadcast {
  int64_t room_id = 0;
  room_topic topic = room_topic::messages;
  /// The message's seq (messages topic), 0 otherwise.
  int64_t seq = 0;
  /// The message object of the client contract (or the typing / presence object), JSON.
  std::string body;
  /// The thread of a message (its parent's id; "" for none): /topic/thread/{id} subscribers.
  std::string thread_id;
  /// Whose message it is (messages and updates topics; 0 otherwise): readers who blocked the
  /// sender, or whom the sender blocked, do not see it.
  int64_t sender_id = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, room_broadcast& x) {
  return f(caf::meta::type_name("chat::room_broadcast"), x.room_id, x.topic, x.seq, x.body,
           x.thread_id, x.sender_id);
}

struct member_unread {
  int64_t user_id = 0;
  int64_t unread = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, member_unread& x) {
  return f(caf::meta::type_name("chat::member_unread"), x.user_id, x.unread);
}

/// A room changed (`/user/queue/room-updates`): one update serves every listed member.
struct room_update {
  int64_t room_id = 0;
  /// The last message object (JSON, encoded once), or "null".
  std::string last_message = "null";
  /// The last message's sender and seq (0 without one): a reader who hides the sender gets a
  /// placeholder instead.
  int64_t last_sender_id = 0;
  int64_t last_message_seq = 0;
  int64_t last_activity_at = 0;
  std::vector<member_unread> members;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, room_update& x) {
  return f(caf::meta::type_name("chat::room_update"), x.room_id, x.last_message, x.last_sender_id,
           x.last_message_seq, x.last_activity_at, x.members);
}

/// A broadcast as a node hands it to its local connections: the body is shared, not copied.
struct local_broadcast {
  int64_t room_id = 0;
  room_topic topic = room_topic::messages;
  int64_t seq = 0;
  std::shared_ptr<const std::string> body;
  std::string thread_id;
  int64_t sender_id = 0;
};

/// A body for one user queue (e.g. "/user/queue/room-updates") of some users' sessions,
/// wherever they are connected: the node's fan-out hands it to the local sessions and
/// forwards it once to every peer's fan-out.
/// The queue of a user_delivery that tells the user's sessions that a block by or of the user
/// changed (they read whose messages to hide again); never shown to clients.
constexpr const char* blocks_changed_queue = "internal:blocks-changed";
/// The queue of a user_delivery that carries a status of one of the user's messages sent by
/// the node, not by a session (a scheduled message): the sessions show it on their
/// /topic/message/status/{roomId} subscriptions (room_id names the room).
constexpr const char* message_status_queue = "internal:message-status";

struct user_delivery {
  std::vector<int64_t> users;
  /// The queue, e.g. "/user/queue/room-updates".
  std::string queue;
  /// The JSON body, encoded once for every listed user.
  std::string body;
  /// A room update after a message names the room and the message's sender and seq: a session
  /// that hides the sender there replaces the message with a placeholder. 0 otherwise.
  int64_t room_id = 0;
  int64_t sender_id = 0;
  int64_t seq = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, user_delivery& x) {
  return f(caf::meta::type_name("chat::user_delivery"), x.users, x.queue, x.body, x.room_id,
           x.sender_id, x.seq);
}

} // namespace chat

// Local broadcasts share their body in memory: they never leave the node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chat::local_broadcast)
