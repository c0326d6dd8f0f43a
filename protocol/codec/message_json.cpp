#include "protocol/codec/message_json.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "protocol/clock.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/types/change.hpp"
#include "protocol/types/saga.hpp"

namespace chat {

using json = nlohmann::json;

json to_json(const forward_ref& x) {
  return json{{"messageId", x.message_id}, {"roomId", x.room_id}, {"senderId", x.sender_id}};
}

std::optional<forward_ref> forward_ref_from_json(const json& x) {
  if (!x.is_object())
    return std::nullopt;
  try {
    forward_ref result;
    result.message_id = x.at("messageId").get<std::string>();
    result.room_id = x.at("roomId").get<int64_t>();
    result.sender_id = x.at("senderId").get<int64_t>();
    return result;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

json to_json(const std::vector<reaction_users>& x) {
  json result = json::array();
  for (auto& r : x)
    result.push_back(json{{"reaction", r.reaction},
                          {"count", static_cast<int64_t>(r.user_ids.size())},
                          {"userIds", r.user_ids}});
  return result;
}

std::vector<reaction_users> reactions_from_json(const json& x) {
  std::vector<reaction_users> result;
  if (!x.is_array())
    return result;
  for (auto& r : x)
    if (r.is_object() && r.contains("reaction") && r["reaction"].is_string())
      result.push_back(reaction_users{r["reaction"].get<std::string>(),
                                      r.value("userIds", std::vector<int64_t>{})});
  return result;
}

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
    {"deleted", x.deleted},
    {"pinned", x.pinned},
    {"reactions", to_json(x.reactions)},
    {"version", x.version},
  };
  if (!x.thread_id.empty())
    result["threadId"] = x.thread_id;
  if (!x.reply_to.empty())
    result["replyTo"] = x.reply_to;
  if (x.reply_count > 0)
    result["replyCount"] = x.reply_count;
  if (!x.forwarded_from.empty())
    result["forwardedFrom"] = to_json(x.forwarded_from);
  if (x.edited_at > 0)
    result["editedAt"] = iso8601(x.edited_at);
  if (!x.url_preview.empty()) {
    auto preview = json::parse(x.url_preview, nullptr, false);
    if (preview.is_object())
      result["urlPreview"] = std::move(preview);
  }
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
    if (auto i = x.find("forwardedFrom"); i != x.end())
      if (auto ref = forward_ref_from_json(*i))
        result.forwarded_from = std::move(*ref);
    auto created = parse_iso8601(x.at("createdAt").get<std::string>());
    if (!created)
      return std::nullopt;
    result.created_at = *created;
    result.state = message_state::committed;
    if (auto i = x.find("editedAt"); i != x.end() && i->is_string())
      result.edited_at = parse_iso8601(i->get<std::string>()).value_or(0);
    result.deleted = x.value("deleted", false);
    result.pinned = x.value("pinned", false);
    if (auto i = x.find("reactions"); i != x.end())
      result.reactions = reactions_from_json(*i);
    result.reply_count = x.value("replyCount", int64_t{0});
    result.version = x.value("version", int64_t{0});
    if (auto i = x.find("urlPreview"); i != x.end() && i->is_object())
      result.url_preview = dump(*i);
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

json to_json(const history_page& x, const std::vector<int64_t>& hidden_senders) {
  json messages = json::array();
  for (auto& msg : x.messages)
    messages.push_back(is_hidden(hidden_senders, msg.sender_id)
                         ? hidden_message(msg.room_id, msg.seq)
                         : to_json(msg));
  return json{{"messages", std::move(messages)}, {"hasMore", x.has_more}};
}

json hidden_message(int64_t room_id, int64_t seq) {
  return json{{"roomId", room_id}, {"seq", seq}, {"hidden", true}};
}

std::string hidden_message_json(int64_t room_id, int64_t seq) {
  return dump(hidden_message(room_id, seq));
}

bool is_hidden(const std::vector<int64_t>& hidden_senders, int64_t sender) {
  return std::binary_search(hidden_senders.begin(), hidden_senders.end(), sender);
}

json to_json(const thread_summary& x) {
  return json{{"parent", to_json(x.parent)},
              {"replyCount", x.reply_count},
              {"lastReplyAt", x.last_reply_at > 0 ? json(iso8601(x.last_reply_at)) : json()},
              {"participantIds", x.participant_ids}};
}

std::string update_json(change_kind kind, const chat_message& message, int64_t version) {
  return dump(json{{"kind", update_kind(kind)},
                   {"roomId", message.room_id},
                   {"messageId", message.id},
                   {"version", version},
                   {"message", to_json(message)}});
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
