// String forms of the protocol's enums and equality of messages.
#include "protocol/clock.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/message.hpp"
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
  }
  return "unknown";
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

bool operator==(const chat_message& x, const chat_message& y) {
  return x.id == y.id && x.room_id == y.room_id && x.seq == y.seq && x.sender_id == y.sender_id &&
         x.temp_id == y.temp_id && x.content == y.content && x.type == y.type &&
         x.mentions == y.mentions && x.thread_id == y.thread_id && x.reply_to == y.reply_to &&
         x.forwarded_from == y.forwarded_from && x.created_at == y.created_at && x.state == y.state;
}

} // namespace chat
