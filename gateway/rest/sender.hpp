// Sending a message from REST (POST /messages, threads, forwarding): the same room actor,
// saga and idempotency as /app/chat, waited for until SAVED (then the stored message) or
// FAILED.
#pragma once

#include <functional>
#include <memory>

#include <caf/error.hpp>

#include "protocol/fwd.hpp"

namespace chat {

struct gateway_context;

/// Sends `draft` (room, sender, tempId, content, ...) and calls `done` once, with the stored
/// message or the error (FAILED statuses carry their code: TEMP_ID_REUSED, NOT_MEMBER, ...).
void send_and_wait(const std::shared_ptr<gateway_context>& ctx, chat_message draft,
                   std::function<void(const chat_message*, const caf::error&)> done);

/// A change of a message wherever its room runs: looks the message up, then asks its room.
/// Calls `done` once with the outcome or the error.
void change_message(const std::shared_ptr<gateway_context>& ctx, message_change change,
                    std::function<void(const change_outcome*, const caf::error&)> done);

} // namespace chat
