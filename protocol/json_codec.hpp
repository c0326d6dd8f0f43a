// JSON forms of the client contract (shared/api.md) and of the Kafka events.
// nlohmann/json is only forward-declared here; its templates stay in json_codec.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "protocol/message.hpp"
#include "protocol/room.hpp"
#include "protocol/saga.hpp"

namespace chat {

/// The `message` object: {id, roomId, seq, senderId, content, type, tempId, mentions,
/// createdAt} plus threadId / replyTo / forwardedFrom when set.
nlohmann::json to_json(const chat_message& x);
std::string encode_message(const chat_message& x);

/// Reads a `message` object as written by to_json; nullopt when malformed.
std::optional<chat_message> message_from_json(const nlohmann::json& x);
std::optional<chat_message> decode_message(std::string_view text);

/// `{tempId, status, persistedId?, seq?, errorMessage?, createdAt}` (+ roomId, errorCode).
nlohmann::json to_json(const status_event& x);
std::string encode_status(const status_event& x);

/// `{id, username, nickname}`.
nlohmann::json to_json(const user& x);

/// The `room` object for one member: {id, title, type, participants, lastSeq, lastMessage,
/// lastActivityAt, unreadCount}.
nlohmann::json to_json(const room_view& x);

/// The Kafka value of an event: {eventId, eventType, roomId, version, occurredAt, payload}.
std::string encode_event(const std::string& event_id, const std::string& event_type,
                         int64_t room_id, int64_t version, int64_t occurred_at,
                         const nlohmann::json& payload);

/// The same, with the payload given as JSON text (e.g. read back from the store as it was
/// written), spliced in without parsing it again.
std::string encode_event_text(const std::string& event_id, const std::string& event_type,
                              int64_t room_id, int64_t version, int64_t occurred_at,
                              std::string_view payload_json);

/// `/topic/typing/{roomId}`: {roomId, userId, isTyping}.
std::string typing_json(int64_t room_id, int64_t user_id, bool typing);

/// `/topic/active/{roomId}`: {roomId, userId, active, lastSeenAt}.
std::string presence_json(int64_t room_id, int64_t user_id, bool active, int64_t last_seen);

/// `/user/queue/room-updates` for one member: {roomId, lastMessage, unreadCount,
/// lastActivityAt}; the last message is spliced in as encoded by the room.
std::string room_update_json(const room_update& update, int64_t unread);

/// Payload of MessageMentioned: {messageId, roomId, senderId, mentionedUserIds}.
nlohmann::json mention_payload(const chat_message& x);

/// Payload of MessageRetracted: {messageId, roomId, seq, senderId}.
nlohmann::json retraction_payload(const chat_message& x);

} // namespace chat
