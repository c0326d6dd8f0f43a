#include "protocol/codec/schedule_json.hpp"

#include <nlohmann/json.hpp>

#include "protocol/clock.hpp"
#include "protocol/types/schedule.hpp"

namespace chat {

nlohmann::json to_json(const scheduled_message& x) {
  using json = nlohmann::json;
  return json{
    {"id", x.id},
    {"roomId", x.room_id},
    {"content", x.content},
    {"scheduledAt", iso8601(x.scheduled_at)},
    {"recurrence", x.recurrence.empty() ? json(nullptr) : json(x.recurrence)},
    {"status", x.status},
    {"occurrence", x.occurrence},
    {"lastMessageId", x.last_message_id.empty() ? json(nullptr) : json(x.last_message_id)},
    {"errorCode", x.error_code.empty() ? json(nullptr) : json(x.error_code)},
    {"createdAt", iso8601(x.created_at)},
  };
}

} // namespace chat
