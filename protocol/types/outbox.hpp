// Outbox events (the rows the relay publishes to Kafka) and publication reports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace chat {

/// Event types of the `chat.events` topic.
namespace event_type {
constexpr const char* message_sent = "MessageSent";
constexpr const char* message_mentioned = "MessageMentioned";
/// A MessageSent that was published before its saga compensated; consumers undo its effect.
constexpr const char* message_retracted = "MessageRetracted";
/// Changes of a message: payload the message as it now is.
constexpr const char* message_edited = "MessageEdited";
constexpr const char* message_deleted = "MessageDeleted";
/// Payload {messageId, userId, reaction}.
constexpr const char* reaction_added = "ReactionAdded";
constexpr const char* reaction_removed = "ReactionRemoved";
/// Payload {messageId, userId}.
constexpr const char* message_pinned = "MessagePinned";
constexpr const char* message_unpinned = "MessageUnpinned";
/// A URL preview was added: payload the message as it now is.
constexpr const char* message_preview = "MessagePreviewed";
/// Changes of a room (no message): RoomUpdated {roomId, change, ...} (title, description,
/// notice or a role), MemberJoined and MemberLeft {roomId, userId}, RoomDeleted {roomId,
/// deletedBy} (after a MemberLeft for each member).
constexpr const char* room_updated = "RoomUpdated";
constexpr const char* member_joined = "MemberJoined";
constexpr const char* member_left = "MemberLeft";
constexpr const char* room_deleted = "RoomDeleted";
} // namespace event_type

struct outbox_event {
  /// Row id in the outbox table (commit order).
  int64_t id = 0;
  /// UUID, the idempotency key of consumers.
  std::string event_id;
  std::string event_type;
  int64_t room_id = 0;
  /// Per-room, strictly increasing.
  int64_t version = 0;
  /// The message this event is about.
  std::string message_id;
  /// The complete Kafka value: {eventId, eventType, roomId, version, occurredAt, payload}.
  std::string value;
  int32_t attempts = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, outbox_event& x) {
  return f(caf::meta::type_name("chat::outbox_event"), x.id, x.event_id, x.event_type, x.room_id,
           x.version, x.message_id, x.value, x.attempts);
}

/// The outcome of one publication cycle.
struct publish_report {
  /// Events claimed (at most the batch size).
  int32_t claimed = 0;
  int32_t published = 0;
  /// Events whose attempt failed (retried later).
  int32_t failed = 0;
  /// Events moved to dead letters in this cycle.
  int32_t dead = 0;
  /// From the claim to the last delivery report (microseconds).
  int64_t produce_latency_us = 0;
  /// Why the first failed event failed.
  std::string first_error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, publish_report& x) {
  return f(caf::meta::type_name("chat::publish_report"), x.claimed, x.published, x.failed, x.dead,
           x.produce_latency_us, x.first_error);
}

/// Counts of the outbox, for metrics.
struct outbox_stats {
  /// Events not yet published.
  int64_t backlog = 0;
  /// Events moved to dead letters.
  int64_t dead = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, outbox_stats& x) {
  return f(caf::meta::type_name("chat::outbox_stats"), x.backlog, x.dead);
}

/// Relay counters, for metrics and tests.
struct relay_stats {
  int64_t published = 0;
  int64_t failed_attempts = 0;
  int64_t dead = 0;
  /// Time from an event's claim to its delivery report, last batch (microseconds).
  int64_t last_latency_us = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, relay_stats& x) {
  return f(caf::meta::type_name("chat::relay_stats"), x.published, x.failed_attempts, x.dead,
           x.last_latency_us);
}

} // namespace chat
