// Chat messages and the message store's request and reply types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace chat {

/// The saga's durable log: a stored message is pending until its saga commits it.
enum class message_state : uint8_t {
  /// Inserted by saga step 1; not visible to clients.
  pending = 0,
  /// Finalized by saga step 3 (or by recovery): durable and visible.
  committed = 1,
  /// Its saga decided to compensate but could not finish: recovery must remove it, never
  /// finish it forward.
  compensating = 2,
};

const char* to_string(message_state x);

/// A chat message (the `message` object of the client contract).
struct chat_message {
  /// Persisted id (UUID string), assigned when the room admits the message.
  std::string id;
  int64_t room_id = 0;
  /// Per-room sequence number, assigned by the room actor.
  int64_t seq = 0;
  int64_t sender_id = 0;
  /// Client-chosen idempotency key, unique per sender.
  std::string temp_id;
  std::string content;
  std::string type = "TEXT";
  std::vector<int64_t> mentions;
  std::string thread_id;
  std::string reply_to;
  std::string forwarded_from;
  /// Milliseconds since the Unix epoch (UTC).
  int64_t created_at = 0;
  message_state state = message_state::pending;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, chat_message& x) {
  return f(caf::meta::type_name("chat::chat_message"), x.id, x.room_id, x.seq, x.sender_id,
           x.temp_id, x.content, x.type, x.mentions, x.thread_id, x.reply_to, x.forwarded_from,
           x.created_at, x.state);
}

bool operator==(const chat_message& x, const chat_message& y);

/// Reply to an insert (saga step 1).
struct insert_outcome {
  /// False when a message with the same (sender, tempId) was already stored.
  bool inserted = false;
  /// The stored message with the same (sender, tempId), when `inserted` is false.
  chat_message existing;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, insert_outcome& x) {
  return f(caf::meta::type_name("chat::insert_outcome"), x.inserted, x.existing);
}

/// A page of a room's committed messages by seq range.
struct history_query {
  int64_t room_id = 0;
  /// Only messages with seq > after_seq.
  int64_t after_seq = 0;
  /// Only messages with seq < before_seq (0: no upper bound).
  int64_t before_seq = 0;
  int32_t limit = 50;
  /// With before_seq and no after_seq, the newest `limit` messages below before_seq are
  /// returned (still ascending); otherwise the oldest above after_seq.
  bool newest_first = false;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, history_query& x) {
  return f(caf::meta::type_name("chat::history_query"), x.room_id, x.after_seq, x.before_seq,
           x.limit, x.newest_first);
}

struct history_page {
  /// Ascending by seq.
  std::vector<chat_message> messages;
  bool has_more = false;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, history_page& x) {
  return f(caf::meta::type_name("chat::history_page"), x.messages, x.has_more);
}

/// What a room actor needs from the message store when it activates.
struct room_snapshot {
  /// Highest seq stored for the room, pending messages included (seqs are never reused).
  int64_t max_seq = 0;
  /// The most recent messages (any state), to seed the (sender, tempId) dedupe window.
  std::vector<chat_message> recent;
  /// Every message of the room that is not committed: sagas a crash (or a lost owner) left
  /// behind, which the room resolves before it serves.
  std::vector<chat_message> unfinished;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, room_snapshot& x) {
  return f(caf::meta::type_name("chat::room_snapshot"), x.max_seq, x.recent, x.unfinished);
}

} // namespace chat
