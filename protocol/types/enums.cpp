// String forms of the protocol's enums and equality of messages.
#include "protocol/clock.hpp"
#include "protocol/types/change.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/outbox.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/saga.hpp"

namespace chat {

const char* to_string(message_state x) {
  switch (x) {
  case message_state::pending:
    return "pending";
  case message_state::committed:
    return "committed";
  case message_state::compensating:
    return "compensating";
  }
  return "unknown";
}

const char* to_string(saga_state x) {
  switch (x) {
  case saga_state::started:
    return "STARTED";
  case saga_state::completed:
    return "COMPLETED";
  case saga_state::compensating:
    return "COMPENSATING";
  case saga_state::compensated:
    return "COMPENSATED";
  case saga_state::failed:
    return "FAILED";
  }
  return "UNKNOWN";
}

const char* to_string(delivery_status x) {
  switch (x) {
  case delivery_status::sending:
    return "SENDING";
  case delivery_status::processing:
    return "PROCESSING";
  case delivery_status::saved:
    return "SAVED";
  case delivery_status::failed:
    return "FAILED";
  }
  return "UNKNOWN";
}

const char* to_string(room_topic x) {
  switch (x) {
  case room_topic::messages:
    return "messages";
  case room_topic::typing:
    return "typing";
  case room_topic::active:
    return "active";
  case room_topic::updates:
    return "updates";
  case room_topic::read:
    return "read";
  }
  return "unknown";
}

const char* update_kind(change_kind x) {
  switch (x) {
  case change_kind::edit:
    return "EDITED";
  case change_kind::remove:
    return "DELETED";
  case change_kind::react:
  case change_kind::unreact:
    return "REACTION";
  case change_kind::pin:
    return "PINNED";
  case change_kind::unpin:
    return "UNPINNED";
  case change_kind::preview:
    return "PREVIEW";
  }
  return "UNKNOWN";
}

const char* event_type_of(change_kind x) {
  switch (x) {
  case change_kind::edit:
    return event_type::message_edited;
  case change_kind::remove:
    return event_type::message_deleted;
  case change_kind::react:
    return event_type::reaction_added;
  case change_kind::unreact:
    return event_type::reaction_removed;
  case change_kind::pin:
    return event_type::message_pinned;
  case change_kind::unpin:
    return event_type::message_unpinned;
  case change_kind::preview:
    return event_type::message_preview;
  }
  return "Unknown";
}

status_event make_status(int64_t room_id, const std::string& temp_id, delivery_status status,
                         int64_t seq, std::string persisted_id) {
  status_event result;
  result.room_id = room_id;
  result.temp_id = temp_id;
  result.status = status;
  result.seq = seq;
  result.persisted_id = std::move(persisted_id);
  result.created_at = now_ms();
  return result;
}

bool operator==(const forward_ref& x, const forward_ref& y) {
  return x.message_id == y.message_id && x.room_id == y.room_id && x.sender_id == y.sender_id;
}

bool operator==(const reaction_users& x, const reaction_users& y) {
  return x.reaction == y.reaction && x.user_ids == y.user_ids;
}

bool operator==(const chat_message& x, const chat_message& y) {
  return x.id == y.id && x.room_id == y.room_id && x.seq == y.seq && x.sender_id == y.sender_id &&
         x.temp_id == y.temp_id && x.content == y.content && x.type == y.type &&
         x.mentions == y.mentions && x.thread_id == y.thread_id && x.reply_to == y.reply_to &&
         x.forwarded_from == y.forwarded_from && x.created_at == y.created_at &&
         x.state == y.state && x.edited_at == y.edited_at && x.deleted == y.deleted &&
         x.reactions == y.reactions && x.pinned == y.pinned && x.reply_count == y.reply_count &&
         x.version == y.version && x.url_preview == y.url_preview;
}

} // namespace chat
