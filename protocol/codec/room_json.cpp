#include "protocol/codec/room_json.hpp"

#include <nlohmann/json.hpp>

#include "protocol/clock.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/codec/user_json.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/room.hpp"

namespace chat {

using json = nlohmann::json;

namespace {

json last_message_json(const room_view& x) {
  if (!x.room.has_last_message)
    return nullptr;
  if (x.last_message_hidden)
    return hidden_message(x.room.id, x.room.last_message.seq);
  return to_json(x.room.last_message);
}

} // namespace

json to_json(const room_view& x) {
  json participants = json::array();
  for (auto& p : x.participants)
    participants.push_back(to_json(p));
  return json{
    {"id", x.room.id},
    {"title", x.room.title},
    {"type", x.room.type},
    {"participants", std::move(participants)},
    {"lastSeq", x.room.last_seq},
    {"lastMessage", last_message_json(x)},
    {"lastActivityAt", iso8601(x.room.last_activity_at)},
    {"unreadCount", x.unread_count},
    {"myRole", x.role.empty() ? json(nullptr) : json(x.role)},
    {"pinned", x.pins_json.empty() ? json::array() : json::parse(x.pins_json, nullptr, false)},
    {"description", x.room.description},
    {"notice", notice_json(x.room)},
    {"favorite", x.favorite},
    {"version", x.room.version},
  };
}

json notice_json(const room_metadata& x) {
  if (x.notice_at == 0)
    return nullptr;
  return json{
    {"content", x.notice_content}, {"updatedBy", x.notice_by}, {"updatedAt", iso8601(x.notice_at)}};
}

std::string room_change_json(int64_t room_id, const room_view* view, const std::string& reason) {
  return dump(json{{"roomId", room_id},
                   {"room", view != nullptr ? to_json(*view) : json(nullptr)},
                   {"reason", reason}});
}

std::string read_receipt_json(int64_t room_id, int64_t user_id, int64_t read_seq) {
  return dump(json{{"roomId", room_id}, {"userId", user_id}, {"readSeq", read_seq}});
}

std::string typing_json(int64_t room_id, int64_t user_id, bool typing) {
  return json{{"roomId", room_id}, {"userId", user_id}, {"isTyping", typing}}.dump();
}

std::string presence_json(int64_t room_id, int64_t user_id, bool active, const std::string& status,
                          const std::string& activity, int64_t last_seen) {
  auto result = json{{"roomId", room_id},
                     {"userId", user_id},
                     {"active", active},
                     {"status", status},
                     {"lastSeenAt", iso8601(last_seen)}};
  if (!activity.empty())
    result["activity"] = activity;
  return dump(result);
}

std::string room_update_json(const room_update& update, int64_t unread) {
  auto result = json{{"roomId", update.room_id},
                     {"unreadCount", unread},
                     {"lastActivityAt", iso8601(update.last_activity_at)}}
                  .dump();
  // The room encoded its last message once for all members: splice it in.
  result.pop_back();
  result += ",\"lastMessage\":";
  result += update.last_message.empty() ? std::string_view{"null"} : update.last_message;
  result += '}';
  return result;
}

std::string with_hidden_last_message(const std::string& update_json, int64_t room_id, int64_t seq) {
  auto result = json::parse(update_json, nullptr, false);
  if (!result.is_object())
    return update_json;
  result["lastMessage"] = hidden_message(room_id, seq);
  return dump(result);
}

} // namespace chat
