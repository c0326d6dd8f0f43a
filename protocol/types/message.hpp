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

/// Where a forwarded message came from (`forwardedFrom`).
struct forward_ref {
  std::string message_id;
  int64_t room_id = 0;
  int64_t sender_id = 0;

  bool empty() const { return message_id.empty(); }
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, forward_ref& x) {
  return f(caf::meta::type_name("chat::forward_ref"), x.message_id, x.room_id, x.sender_id);
}

bool operator==(const forward_ref& x, const forward_ref& y);

/// One reaction of a message and who reacted so (count = user_ids.size()).
struct reaction_users {
  std::string reaction;
  /// Ascending.
  std::vector<int64_t> user_ids;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reaction_users& x) {
  return f(caf::meta::type_name("chat::reaction_users"), x.reaction, x.user_ids);
}

bool operator==(const reaction_users& x, const reaction_users& y);

/// A chat message (the `message` object of the client contract), as it now is.
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
  /// The parent message's id, for a thread reply.
  std::string thread_id;
  std::string reply_to;
  forward_ref forwarded_from;
  /// Milliseconds since the Unix epoch (UTC).
  int64_t created_at = 0;
  message_state state = message_state::pending;
  /// When the sender last edited it (0: never).
  int64_t edited_at = 0;
  /// Deleted: content "" and no mentions; it stays in history.
  bool deleted = false;
  /// In the order they were first used on the message.
  std::vector<reaction_users> reactions;
  bool pinned = false;
  /// Replies of a thread parent.
  int64_t reply_count = 0;
  /// The room event version of the message's latest change (its MessageSent at first).
  int64_t version = 0;
  /// The URL preview as JSON ({url, title, description, imageUrl, siteName}), or "".
  std::string url_preview;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, chat_message& x) {
  return f(caf::meta::type_name("chat::chat_message"), x.id, x.room_id, x.seq, x.sender_id,
           x.temp_id, x.content, x.type, x.mentions, x.thread_id, x.reply_to, x.forwarded_from,
           x.created_at, x.state, x.edited_at, x.deleted, x.reactions, x.pinned, x.reply_count,
           x.version, x.url_preview);
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

/// A page of a thread's replies (ascending by seq, after after_seq).
struct thread_query {
  std::string parent_id;
  int64_t after_seq = 0;
  int32_t limit = 50;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, thread_query& x) {
  return f(caf::meta::type_name("chat::thread_query"), x.parent_id, x.after_seq, x.limit);
}

/// A thread of a room: its parent, how many replies, the latest reply's time, who replied.
struct thread_summary {
  chat_message parent;
  int64_t reply_count = 0;
  int64_t last_reply_at = 0;
  std::vector<int64_t> participant_ids;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, thread_summary& x) {
  return f(caf::meta::type_name("chat::thread_summary"), x.parent, x.reply_count, x.last_reply_at,
           x.participant_ids);
}

/// A full-text search over some rooms' committed, not deleted messages (newest first).
struct search_query {
  std::vector<int64_t> room_ids;
  /// Words (PostgreSQL's websearch syntax).
  std::string text;
  int32_t limit = 20;
  /// Only these messages (bookmarks), unless empty.
  std::vector<std::string> message_ids;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, search_query& x) {
  return f(caf::meta::type_name("chat::search_query"), x.room_ids, x.text, x.limit, x.message_ids);
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
