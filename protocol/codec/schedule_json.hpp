// JSON of scheduled messages.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "protocol/fwd.hpp"

namespace chat {

/// `{id, roomId, content, scheduledAt, recurrence, status, occurrence, lastMessageId,
/// errorCode, createdAt}`: recurrence null for a single occurrence; scheduledAt the next
/// occurrence (the last one once the schedule ended).
nlohmann::json to_json(const scheduled_message& x);

} // namespace chat
