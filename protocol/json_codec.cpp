#include "protocol/json_codec.hpp"

#include <nlohmann/json.hpp>

#include "protocol/clock.hpp"

namespace chat {

using json = nlohmann::json;

json to_json(const chat_message& x) {
  json result = {
    {"id", x.id},
    {"roomId", x.room_id},
    {"seq", x.seq},
    {"senderId", x.sender_id},
    {"content", x.content},
    {"type", x.type},
    {"tempId", x.temp_id},
    {"mentions", x.mentions},
    {"createdAt", iso8601(x.created_at)},
  };
  if (!x.thread_id.empty())
    result["threadId"] = x.thread_id;
  if (!x.reply_to.empty())
    result["replyTo"] = x.reply_to;
  if (!x.forwarded_from.empty())
    result["forwardedFrom"] = x.forwarded_from;
  return result;
}

std::string encode_message(const chat_message& x) {
  return to_json(x).dump();
}

std::optional<chat_message> message_from_json(const json& x) {
  try {
    if (!x.is_object())
      return std::nullopt;
    chat_message result;
    result.id = x.at("id").get<std::string>();
    result.room_id = x.at("roomId").get<int64_t>();
    result.seq = x.at("seq").get<int64_t>();
    result.sender_id = x.at("senderId").get<int64_t>();
    result.content = x.at("content").get<std::string>();
    result.type = x.value("type", std::string{"TEXT"});
    result.temp_id = x.value("tempId", std::string{});
    if (auto i = x.find("mentions"); i != x.end() && i->is_array())
      result.mentions = i->get<std::vector<int64_t>>();
    result.thread_id = x.value("threadId", std::string{});
    result.reply_to = x.value("replyTo", std::string{});
    result.forwarded_from = x.value("forwardedFrom", std::string{});
    auto created = parse_iso8601(x.at("createdAt").get<std::string>());
    if (!created)
      return std::nullopt;
    result.created_at = *created;
    result.state = message_state::committed;
    return result;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::optional<chat_message> decode_message(std::string_view text) {
  auto parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded())
    return std::nullopt;
  return message_from_json(parsed);
}

json to_json(const status_event& x) {
  json result = {
    {"roomId", x.room_id},
    {"tempId", x.temp_id},
    {"status", to_string(x.status)},
    {"createdAt", iso8601(x.created_at)},
  };
  if (!x.persisted_id.empty())
    result["persistedId"] = x.persisted_id;
  if (x.seq > 0)
    result["seq"] = x.seq;
  if (!x.error_message.empty() || !x.error_code.empty()) {
    result["errorMessage"] = x.error_message;
    result["errorCode"] = x.error_code;
  }
  return result;
}

std::string encode_status(const status_event& x) {
  return to_json(x).dump();
}

json to_json(const user& x) {
  return json{{"id", x.id}, {"username", x.username}, {"nickname", x.nickname}};
}

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
    {"lastMessage", x.room.has_last_message ? to_json(x.room.last_message) : json(nullptr)},
    {"lastActivityAt", iso8601(x.room.last_activity_at)},
    {"unreadCount", x.unread_count},
  };
}

std::string encode_event(const std::string& event_id, const std::string& event_type,
                         int64_t room_id, int64_t version, int64_t occurred_at,
                         const json& payload) {
  return encode_event_text(event_id, event_type, room_id, version, occurred_at,
                           payload.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::string encode_event_text(const std::string& event_id, const std::string& event_type,
                              int64_t room_id, int64_t version, int64_t occurred_at,
                              std::string_view payload_json) {
  auto result =
    json{
      {"eventId", event_id},
      {"eventType", event_type},
      {"roomId", room_id},
      {"version", version},
      {"occurredAt", iso8601(occurred_at)},
    }
      .dump(-1, ' ', false, json::error_handler_t::replace);
  // The envelope ends with '}': append the payload member before it.
  result.pop_back();
  result += ",\"payload\":";
  result += payload_json;
  result += '}';
  return result;
}

std::string typing_json(int64_t room_id, int64_t user_id, bool typing) {
  return json{{"roomId", room_id}, {"userId", user_id}, {"isTyping", typing}}.dump();
}

std::string presence_json(int64_t room_id, int64_t user_id, bool active, int64_t last_seen) {
  return json{{"roomId", room_id},
              {"userId", user_id},
              {"active", active},
              {"lastSeenAt", iso8601(last_seen)}}
    .dump();
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

json mention_payload(const chat_message& x) {
  return json{
    {"messageId", x.id},
    {"roomId", x.room_id},
    {"senderId", x.sender_id},
    {"mentionedUserIds", x.mentions},
  };
}

json retraction_payload(const chat_message& x) {
  return json{
    {"messageId", x.id},
    {"roomId", x.room_id},
    {"seq", x.seq},
    {"senderId", x.sender_id},
  };
}

} // namespace chat
