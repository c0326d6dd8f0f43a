// The SEND destinations of a STOMP session: one table {destination -> handler}; each family
// of destinations lives in destinations/<family>.cpp.
#pragma once

#include <string_view>

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

// -- destinations/chat.cpp --------------------------------------------------------------------
/// /app/chat: a message through its room's saga, with SENDING, PROCESSING, SAVED or FAILED.
void send_chat(session_ptr self, const nlohmann::json& body);

// -- destinations/read.cpp --------------------------------------------------------------------
/// /app/read {roomId, seq} and /app/read-all {roomId}.
void read_up_to(session_ptr self, const nlohmann::json& body);
void read_all(session_ptr self, const nlohmann::json& body);

// -- destinations/sync.cpp --------------------------------------------------------------------
/// /app/sync {roomId, afterSeq, limit?}: a page of history on /user/queue/sync.
void sync_history(session_ptr self, const nlohmann::json& body);

// -- destinations/typing.cpp ------------------------------------------------------------------
/// /app/typing {roomId, isTyping}.
void typing(session_ptr self, const nlohmann::json& body);

} // namespace chat
