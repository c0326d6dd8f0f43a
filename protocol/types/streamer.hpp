// A chat event as consumers read it from the `chat.events` topic (see docs/api.md), and what
// chat-streamer keeps of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace chat {

struct chat_event {
  std::string event_id;
  std::string event_type;
  int64_t room_id = 0;
  /// Per room, strictly increasing in publication order.
  int64_t version = 0;
  /// Milliseconds since the epoch.
  int64_t occurred_at = 0;
  /// The message the event is about (empty for the room events: RoomUpdated, MemberJoined,
  /// MemberLeft, RoomDeleted).
  std::string message_id;
  int64_t sender_id = 0;
  /// MemberJoined, MemberLeft: the member.
  int64_t member_id = 0;
  /// MessageMentioned: the mentioned users.
  std::vector<int64_t> mentioned_user_ids;
};

/// A mention of a user, kept by chat-streamer and pushed to the user's sessions.
struct mention_notification {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t room_id = 0;
  std::string message_id;
  int64_t sender_id = 0;
  /// When the message was sent (milliseconds since the epoch).
  int64_t created_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mention_notification& x) {
  return f(caf::meta::type_name("chat::mention_notification"), x.id, x.user_id, x.room_id,
           x.message_id, x.sender_id, x.created_at);
}

/// What chat-streamer's consumer did so far.
struct consumer_stats {
  int64_t batches = 0;
  int64_t records = 0;
  /// Events whose effects were applied.
  int64_t handled = 0;
  /// Events skipped because they were handled before.
  int64_t duplicates = 0;
  /// Poison records moved to the dead letters.
  int64_t dead = 0;
  /// Batches whose store transaction or offset commit failed (consumed again).
  int64_t failures = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, consumer_stats& x) {
  return f(caf::meta::type_name("chat::consumer_stats"), x.batches, x.records, x.handled,
           x.duplicates, x.dead, x.failures);
}

} // namespace chat
