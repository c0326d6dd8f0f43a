// JSON of rooms and of what rooms publish besides messages (typing, presence, room updates).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "protocol/fwd.hpp"

namespace chat {

/// The `room` object for one member: {id, title, type, participants, lastSeq, lastMessage,
/// lastActivityAt, unreadCount, myRole, pinned, description, notice, favorite, version}.
nlohmann::json to_json(const room_view& x);

/// A room's notice {content, updatedBy, updatedAt}, or null when it has none.
nlohmann::json notice_json(const room_metadata& x);

/// `/topic/typing/{roomId}`: {roomId, userId, isTyping}.
std::string typing_json(int64_t room_id, int64_t user_id, bool typing);

/// `/topic/active/{roomId}`: {roomId, userId, active, lastSeenAt}.
/// {roomId, userId, active, status, lastSeenAt} and, when the member said it, `activity`.
std::string presence_json(int64_t room_id, int64_t user_id, bool active, const std::string& status,
                          const std::string& activity, int64_t last_seen);

/// `/topic/read/{roomId}`: {roomId, userId, readSeq}.
std::string read_receipt_json(int64_t room_id, int64_t user_id, int64_t read_seq);

/// `/user/queue/room-updates` for one member: {roomId, lastMessage, unreadCount,
/// lastActivityAt}; the last message is spliced in as encoded by the room.
std::string room_update_json(const room_update& update, int64_t unread);

/// A room update (room_update_json) whose last message is a placeholder (hidden_message_json):
/// for a reader who hides its sender.
std::string with_hidden_last_message(const std::string& update_json, int64_t room_id, int64_t seq);

/// `/user/queue/room-updates` when a room changed for one member: {roomId, room, reason};
/// `view` is null when the member left, was removed, or the room was deleted.
std::string room_change_json(int64_t room_id, const room_view* view, const std::string& reason);

} // namespace chat
