#include "protocol/codec/message_json.hpp"

#include <nlohmann/json.hpp>

#include "protocol/clock.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/types/saga.hpp"

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
  return dump(to_json(x));
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
  return dump(to_json(x));
}

} // namespace chat
