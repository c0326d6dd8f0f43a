// /app/edit, /app/delete, /app/reaction, /app/pin/toggle: changes of existing messages. The
// room decides them in its version order; subscribers of /topic/message/updates/{roomId} see
// the result; a refusal is answered on /user/queue/errors.
#include "gateway/stomp/destinations.hpp"

#include <nlohmann/json.hpp>

#include "gateway/json_fields.hpp"
#include "gateway/message_fields.hpp"
#include "gateway/room_changes.hpp"
#include "gateway/stomp/session_ops.hpp"
#include "protocol/clock.hpp"
#include "protocol/errors.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/change.hpp"

namespace chat {

namespace {

/// Looks the message up (its room), then asks the room; `on_message` may turn the change
/// into another one from the message's state (the pin toggle).
void request_change(session_ptr self, message_change change,
                    std::function<void(message_change&, const chat_message&)> on_message = {}) {
  auto& st = self->state;
  auto destination = st.current_destination;
  auto fail = [self, destination](const caf::error& err) {
    destination_scope scope{self, destination};
    app_error(self, app_code(err), describe(err));
  };
  change.user_id = st.user_id;
  change.at = now_ms();
  self
    ->request(st.ctx->messages, st.ctx->settings.request_timeout, message_atom::value,
              change.message_id)
    .then(
      [self, change, on_message, fail](chat_message& msg) mutable {
        if (on_message)
          on_message(change, msg);
        with_room(
          self, msg.room_id,
          [self, change, fail](room_actor& room) {
            self
              ->request(room, self->state.ctx->settings.request_timeout, change_atom::value, change)
              .then(
                [self](change_outcome& outcome) { after_message_change(self->state.ctx, outcome); },
                [fail](caf::error& err) { fail(err); });
          },
          fail);
      },
      [fail](caf::error& err) { fail(err); });
}

std::optional<std::string> message_id_of(session_ptr self, const nlohmann::json& body) {
  auto id = string_field(body, "messageId");
  if (!id || id->empty() || id->size() > 64) {
    app_error(self, chat_errc::invalid_input, "messageId must be a message id");
    return std::nullopt;
  }
  return id;
}

} // namespace

void edit_message(session_ptr self, const nlohmann::json& body) {
  auto id = message_id_of(self, body);
  if (!id)
    return;
  auto content = string_field(body, "content");
  auto max = self->state.ctx->settings.max_content_bytes;
  if (!content || content->empty() || content->size() > max) {
    app_error(self, chat_errc::invalid_input,
              "content must be a string of 1 to " + std::to_string(max) + " bytes");
    return;
  }
  request_change(self, message_change{change_kind::edit, *id, 0, *content, 0});
}

void delete_message(session_ptr self, const nlohmann::json& body) {
  if (auto id = message_id_of(self, body))
    request_change(self, message_change{change_kind::remove, *id, 0, {}, 0});
}

void react(session_ptr self, const nlohmann::json& body) {
  auto id = message_id_of(self, body);
  if (!id)
    return;
  auto reaction = string_field(body, "reaction");
  auto add = bool_field(body, "add", true);
  if (!reaction || !valid_reaction(*reaction) || !add) {
    app_error(self, chat_errc::invalid_input,
              "reaction needs {messageId, reaction (1 to 32 bytes), add?}");
    return;
  }
  request_change(
    self, message_change{*add ? change_kind::react : change_kind::unreact, *id, 0, *reaction, 0});
}

void toggle_pin(session_ptr self, const nlohmann::json& body) {
  auto id = message_id_of(self, body);
  auto room_id = id_field(body, "roomId");
  if (!id)
    return;
  if (!room_id) {
    app_error(self, chat_errc::invalid_input, "pin/toggle needs {roomId, messageId}");
    return;
  }
  request_change(self, message_change{change_kind::pin, *id, 0, {}, 0},
                 [room_id = *room_id](message_change& change, const chat_message& msg) {
                   // A message of another room is unknown there.
                   if (msg.room_id != room_id)
                     change.message_id.clear();
                   change.kind = msg.pinned ? change_kind::unpin : change_kind::pin;
                 });
}

} // namespace chat
