#include "gateway/message_fields.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "gateway/gateway_context.hpp"
#include "gateway/json_fields.hpp"
#include "protocol/types/message.hpp"

namespace chat {

std::optional<chat_message> read_draft(const nlohmann::json& body, int64_t sender,
                                       const gateway_settings& settings, std::string& error,
                                       std::string& temp_id) {
  auto room_id = id_field(body, "roomId");
  auto temp = text_field(body, "tempId", max_temp_id_bytes);
  temp_id = temp ? *temp : std::string{};
  if (!room_id) {
    error = "roomId must be a positive integer";
    return std::nullopt;
  }
  auto content = body.find("content");
  if (content == body.end() || !content->is_string() ||
      content->get_ref<const std::string&>().empty()) {
    error = "content must be a non-empty string";
    return std::nullopt;
  }
  if (content->get_ref<const std::string&>().size() > settings.max_content_bytes) {
    error = "content longer than " + std::to_string(settings.max_content_bytes) + " bytes";
    return std::nullopt;
  }
  if (!temp || temp->empty()) {
    error = "tempId must be a string of 1 to " + std::to_string(max_temp_id_bytes) + " bytes";
    return std::nullopt;
  }
  auto type = text_field(body, "type", 16);
  auto thread_id = text_field(body, "threadId", 64);
  auto reply_to = text_field(body, "replyTo", 64);
  if (!type || !thread_id || !reply_to) {
    error = "type, threadId and replyTo must be short strings";
    return std::nullopt;
  }
  auto mentions = id_list(body, "mentions", max_mentions);
  if (!mentions) {
    error = "mentions must be an array of at most " + std::to_string(max_mentions) + " user ids";
    return std::nullopt;
  }
  chat_message draft;
  draft.room_id = *room_id;
  draft.sender_id = sender;
  draft.temp_id = *temp;
  draft.content = content->get<std::string>();
  draft.type = type->empty() ? "TEXT" : *type;
  draft.thread_id = *thread_id;
  draft.reply_to = *reply_to;
  draft.mentions = std::move(*mentions);
  return draft;
}

bool valid_reaction(const std::string& reaction) {
  return !reaction.empty() && reaction.size() <= 32 &&
         std::none_of(reaction.begin(), reaction.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

} // namespace chat
