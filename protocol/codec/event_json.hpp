// JSON of the Kafka events (the envelope and their payloads) and of mention notifications.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "protocol/fwd.hpp"

namespace chat {

/// The Kafka value of an event: {eventId, eventType, roomId, version, occurredAt, payload}.
std::string encode_event(const std::string& event_id, const std::string& event_type,
                         int64_t room_id, int64_t version, int64_t occurred_at,
                         const nlohmann::json& payload);

/// The same, with the payload given as JSON text (e.g. read back from the store as it was
/// written), spliced in without parsing it again.
std::string encode_event_text(const std::string& event_id, const std::string& event_type,
                              int64_t room_id, int64_t version, int64_t occurred_at,
                              std::string_view payload_json);

/// Decodes a Kafka value: the envelope {eventId, eventType, roomId, version, occurredAt,
/// payload} with the payload of its type. Returns nullopt and sets `error` for anything
/// malformed (a poison event), including an unknown event type.
std::optional<chat_event> decode_chat_event(std::string_view value, std::string& error);

/// Payload of MessageMentioned: {messageId, roomId, senderId, mentionedUserIds}.
nlohmann::json mention_payload(const chat_message& x);

/// Payload of MessageRetracted: {messageId, roomId, seq, senderId}.
nlohmann::json retraction_payload(const chat_message& x);

/// The JSON of a notification, as pushed on `/user/queue/notifications` and listed by
/// `GET /api/v1/notifications`: {id, userId, roomId, messageId, senderId, createdAt}.
std::string notification_json(const mention_notification& x);

/// Parses notification_json's output; nullopt if malformed.
std::optional<mention_notification> notification_from_json(std::string_view text);

} // namespace chat
