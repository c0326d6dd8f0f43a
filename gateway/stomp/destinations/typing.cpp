// /app/typing: typing starts are throttled per user and room (gateway.typing-interval); stops
// always reach the room, which also ends an indicator that gets no news (room.typing-timeout).
// /app/active: what the member does in the room (ACTIVE, IDLE), shown on /topic/active.
#include "gateway/stomp/destinations.hpp"

#include <nlohmann/json.hpp>

#include "gateway/json_fields.hpp"
#include "gateway/stomp/session_ops.hpp"
#include "protocol/errors.hpp"

namespace chat {

void typing(session_ptr self, const nlohmann::json& body) {
  auto& st = self->state;
  auto room_id = id_field(body, "roomId");
  auto is_typing = body.find("isTyping");
  if (!room_id || is_typing == body.end() || !is_typing->is_boolean()) {
    app_error(self, chat_errc::invalid_input, "typing needs {roomId, isTyping}");
    return;
  }
  auto typing = is_typing->get<bool>();
  if (typing) {
    // Starts are rate-limited per user and room; a stop always goes through, so that an
    // indicator never stays on.
    auto now = connection_state::clock::now();
    auto& last = st.last_typing[*room_id];
    if (now - last < st.ctx->settings.typing_interval)
      return;
    last = now;
  } else {
    st.last_typing.erase(*room_id);
  }
  with_room(
    self, *room_id,
    [self, typing](room_actor& room) {
      self->send(room, typing_atom::value, self->state.user_id, typing);
    },
    [](const caf::error&) {});
}

void activity(session_ptr self, const nlohmann::json& body) {
  auto room_id = id_field(body, "roomId");
  auto activity = string_field(body, "activity");
  if (!room_id || !activity || (*activity != "ACTIVE" && *activity != "IDLE")) {
    app_error(self, chat_errc::invalid_input, "active needs {roomId, activity: ACTIVE or IDLE}");
    return;
  }
  with_room(
    self, *room_id,
    [self, activity = *activity](room_actor& room) {
      self->send(room, activity_atom::value, self->state.user_id, activity);
    },
    [](const caf::error&) {});
}

} // namespace chat
