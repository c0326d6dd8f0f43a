#include "protocol/codec/event_json.hpp"

#include <nlohmann/json.hpp>

#include "protocol/clock.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/outbox.hpp"
#include "protocol/types/streamer.hpp"
#include "protocol/uuid.hpp"

namespace chat {

using json = nlohmann::json;

std::string encode_event(const std::string& event_id, const std::string& event_type,
                         int64_t room_id, int64_t version, int64_t occurred_at,
                         const json& payload) {
  return encode_event_text(event_id, event_type, room_id, version, occurred_at, dump(payload));
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

std::string notification_json(const mention_notification& x) {
  return json{{"id", x.id},
              {"userId", x.user_id},
              {"roomId", x.room_id},
              {"messageId", x.message_id},
              {"senderId", x.sender_id},
              {"createdAt", iso8601(x.created_at)}}
    .dump();
}

std::optional<mention_notification> notification_from_json(std::string_view text) {
  auto doc = json::parse(text, nullptr, false);
  if (!doc.is_object())
    return std::nullopt;
  try {
    mention_notification result;
    result.id = doc.at("id").get<int64_t>();
    result.user_id = doc.at("userId").get<int64_t>();
    result.room_id = doc.at("roomId").get<int64_t>();
    result.message_id = doc.at("messageId").get<std::string>();
    result.sender_id = doc.at("senderId").get<int64_t>();
    auto created = parse_iso8601(doc.at("createdAt").get<std::string>());
    if (!created)
      return std::nullopt;
    result.created_at = *created;
    return result;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::optional<chat_event> decode_chat_event(std::string_view value, std::string& error) {
  auto doc = json::parse(value, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  try {
    chat_event result;
    result.event_id = doc.at("eventId").get<std::string>();
    result.event_type = doc.at("eventType").get<std::string>();
    result.room_id = doc.at("roomId").get<int64_t>();
    result.version = doc.at("version").get<int64_t>();
    auto occurred = parse_iso8601(doc.at("occurredAt").get<std::string>());
    if (!is_uuid(result.event_id) || result.room_id <= 0 || result.version <= 0 || !occurred) {
      error = "invalid eventId, roomId, version or occurredAt";
      return std::nullopt;
    }
    result.occurred_at = *occurred;
    const auto& payload = doc.at("payload");
    if (result.event_type == event_type::message_sent) {
      result.message_id = payload.at("id").get<std::string>();
      result.sender_id = payload.at("senderId").get<int64_t>();
    } else if (result.event_type == event_type::message_mentioned) {
      result.message_id = payload.at("messageId").get<std::string>();
      result.sender_id = payload.at("senderId").get<int64_t>();
      result.mentioned_user_ids = payload.at("mentionedUserIds").get<std::vector<int64_t>>();
    } else if (result.event_type == event_type::message_retracted) {
      result.message_id = payload.at("messageId").get<std::string>();
      result.sender_id = payload.value("senderId", int64_t{0});
    } else if (result.event_type == event_type::message_edited ||
               result.event_type == event_type::message_deleted ||
               result.event_type == event_type::message_preview) {
      // The message as it now is.
      result.message_id = payload.at("id").get<std::string>();
      result.sender_id = payload.at("senderId").get<int64_t>();
    } else if (result.event_type == event_type::reaction_added ||
               result.event_type == event_type::reaction_removed ||
               result.event_type == event_type::message_pinned ||
               result.event_type == event_type::message_unpinned) {
      result.message_id = payload.at("messageId").get<std::string>();
      payload.at("userId").get<int64_t>();
    } else if (result.event_type == event_type::member_joined ||
               result.event_type == event_type::member_left) {
      result.member_id = payload.at("userId").get<int64_t>();
      if (payload.at("roomId").get<int64_t>() != result.room_id || result.member_id <= 0) {
        error = "invalid roomId or userId";
        return std::nullopt;
      }
      return result;
    } else if (result.event_type == event_type::room_updated ||
               result.event_type == event_type::room_deleted) {
      if (payload.at("roomId").get<int64_t>() != result.room_id) {
        error = "invalid roomId";
        return std::nullopt;
      }
      return result;
    } else {
      error = "unknown event type '" + result.event_type + "'";
      return std::nullopt;
    }
    if (!is_uuid(result.message_id)) {
      error = "invalid message id";
      return std::nullopt;
    }
    return result;
  } catch (const json::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

} // namespace chat
