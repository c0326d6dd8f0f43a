// JSON of messages and of their delivery statuses (the client contract, docs/api.md).
// nlohmann/json is only forward-declared here; its templates stay in the .cpp files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "protocol/fwd.hpp"

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

} // namespace chat
