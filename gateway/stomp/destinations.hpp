// The SEND destinations of a STOMP session: one table {destination -> handler}; each family
// of destinations lives in destinations/<family>.cpp.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gateway/stomp/session.hpp"

namespace chat {

/// Handles the JSON object body of a SEND to one destination. Problems are answered on
/// /user/queue/errors; the frame's receipt is sent by the caller.
using destination_handler = void (*)(session_ptr self, const nlohmann::json& body);

struct destination {
  std::string_view name;
  destination_handler handle;
};

/// The handler of a destination, or nullptr.
destination_handler find_destination(std::string_view name);

/// Every destination of the table (the OpenAPI document lists them too).
std::vector<std::string_view> destination_names();

// -- destinations/chat.cpp --------------------------------------------------------------------
/// /app/chat: a message through its room's saga, with SENDING, PROCESSING, SAVED or FAILED.
void send_chat(session_ptr self, const nlohmann::json& body);

/// Sends a message read from a destination's body (rate limit, SENDING, admission).
void send_draft(session_ptr self, chat_message draft);

// -- destinations/changes.cpp -----------------------------------------------------------------
/// /app/edit {messageId, content}, /app/delete {messageId}, /app/reaction {messageId,
/// reaction, add?}, /app/pin/toggle {roomId, messageId}.
void edit_message(session_ptr self, const nlohmann::json& body);
void delete_message(session_ptr self, const nlohmann::json& body);
void react(session_ptr self, const nlohmann::json& body);
void toggle_pin(session_ptr self, const nlohmann::json& body);

// -- destinations/threads.cpp -----------------------------------------------------------------
/// /app/thread {roomId, parentMessageId, content, tempId}: a reply, like /app/chat.
void send_reply(session_ptr self, const nlohmann::json& body);
/// /app/thread/messages {parentMessageId, afterSeq?, limit?} and /app/thread/detail
/// {parentMessageId}: answered on /user/queue/thread.
void thread_messages(session_ptr self, const nlohmann::json& body);
void thread_detail(session_ptr self, const nlohmann::json& body);

// -- destinations/read.cpp --------------------------------------------------------------------
/// /app/read {roomId, seq} and /app/read-all {roomId}.
void read_up_to(session_ptr self, const nlohmann::json& body);
void read_all(session_ptr self, const nlohmann::json& body);

// -- destinations/rooms.cpp -------------------------------------------------------------------
/// /app/rooms {}: the caller's rooms on /user/queue/rooms. /app/group-chat {title,
/// participantIds}: a new GROUP room, pushed to its members on /user/queue/room-updates.
void list_rooms(session_ptr self, const nlohmann::json& body);
void create_group(session_ptr self, const nlohmann::json& body);

// -- destinations/sync.cpp --------------------------------------------------------------------
/// /app/sync {roomId, afterSeq, limit?}: a page of history on /user/queue/sync.
void sync_history(session_ptr self, const nlohmann::json& body);

// -- destinations/token.cpp -------------------------------------------------------------------
/// /app/token {accessToken}: a fresh access token of the same user keeps the session open
/// past the expiry of the one it connected with.
void renew_token(session_ptr self, const nlohmann::json& body);

// -- destinations/typing.cpp ------------------------------------------------------------------
/// /app/typing {roomId, isTyping}.
void typing(session_ptr self, const nlohmann::json& body);
/// /app/active {roomId, activity: ACTIVE or IDLE}.
void activity(session_ptr self, const nlohmann::json& body);

} // namespace chat
