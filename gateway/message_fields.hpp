// Reading a message to send from a JSON body, the same for /app/chat, /app/thread, POST
// /messages and POST /messages/thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "protocol/fwd.hpp"

namespace chat {

struct gateway_settings;

/// The longest tempId and the most mentions of a message.
constexpr size_t max_temp_id_bytes = 64;
constexpr size_t max_mentions = 100;

/// A message of `sender` from {roomId, content, tempId, type?, mentions?, threadId?,
/// replyTo?}; nullopt with `error` (and `temp_id`, as far as it could be read) when a field is
/// missing or malformed.
std::optional<chat_message> read_draft(const nlohmann::json& body, int64_t sender,
                                       const gateway_settings& settings, std::string& error,
                                       std::string& temp_id);

/// A reaction: 1..32 bytes, no control characters.
bool valid_reaction(const std::string& reaction);

} // namespace chat
