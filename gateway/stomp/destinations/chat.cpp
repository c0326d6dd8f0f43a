// /app/chat: a message goes to its room actor (wherever it runs), whose saga reports SAVED or
// FAILED. The re-send tracker decides what happens when that room actor dies or loses the
// room before the final status.
#include "gateway/stomp/destinations.hpp"

#include <algorithm>

#include <caf/sec.hpp>
#include <nlohmann/json.hpp>

#include "gateway/auth/rate_limiter.hpp"
#include "gateway/json_fields.hpp"
#include "gateway/message_fields.hpp"
#include "gateway/stomp/session_ops.hpp"
#include "protocol/errors.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/saga.hpp"

namespace chat {

namespace {

void fail_admission(session_ptr self, int64_t room_id, const std::string& temp_id,
                    const caf::error& err, const std::string& destination) {
  destination_scope scope{self, destination};
  auto code = app_code(err);
  auto status = make_status(room_id, temp_id, delivery_status::failed);
  status.error_code = wire_code(code);
  status.error_message = describe(err);
  deliver_status(self, status);
  app_error(self, code, describe(err), temp_id);
}

/// Sends a message to its room actor; a room actor that stopped meanwhile is looked up again
/// once (`attempt`).
/// `destination`: where the send came from (/app/chat or /app/thread), named by its errors;
/// a re-send after a room died counts as /app/chat.
void admit(session_ptr self, chat_message draft, int attempt,
           std::string destination = "/app/chat") {
  auto room_id = draft.room_id;
  auto temp_id = draft.temp_id;
  with_room(
    self, room_id,
    [self, draft, attempt, destination](room_actor& room) {
      auto& st = self->state;
      auto token = st.resends.admitted(draft, watch_room(self, room));
      self
        ->request(room, st.ctx->settings.request_timeout, send_atom::value, draft,
                  caf::actor_cast<status_sink_actor>(self))
        .then(
          [self, draft, token, destination](status_event& reply) {
            self->state.resends.admission_answered(reply, token);
            deliver_status(self, reply);
            // Its saga's FAILED may have come first: judged now that its seq is known.
            if (auto held = self->state.resends.take_held(reply))
              on_status(self, *held);
            if (reply.status == delivery_status::failed) {
              destination_scope scope{self, destination};
              app_error(self, reply.error_code, reply.error_message, draft.temp_id);
            }
          },
          [self, draft, attempt, token, destination](caf::error& err) {
            // Not current: its room died and it was admitted again; that admission answers.
            if (!self->state.resends.admission_failed(draft.room_id, draft.temp_id, token))
              return;
            if (attempt == 0 && forget_stale_room(self, draft.room_id, err))
              admit(self, draft, attempt + 1, destination);
            else
              fail_admission(self, draft.room_id, draft.temp_id, err, destination);
          });
    },
    [self, room_id, temp_id, destination](const caf::error& err) {
      fail_admission(self, room_id, temp_id, err, destination);
    });
}

} // namespace

void send_chat(session_ptr self, const nlohmann::json& body) {
  auto& st = self->state;
  std::string error;
  std::string temp_id;
  auto draft = read_draft(body, st.user_id, st.ctx->settings, error, temp_id);
  if (!draft) {
    app_error(self, chat_errc::invalid_input, error, temp_id);
    return;
  }
  send_draft(self, std::move(*draft));
}

void send_draft(session_ptr self, chat_message draft) {
  auto& st = self->state;
  if (!st.ctx->limiter->allow(st.user_id)) {
    auto status = make_status(draft.room_id, draft.temp_id, delivery_status::failed);
    status.error_code = wire_code(chat_errc::rate_limited);
    status.error_message = "too many messages: slow down";
    deliver_status(self, status);
    app_error(self, chat_errc::rate_limited, status.error_message, draft.temp_id);
    return;
  }
  deliver_status(self, make_status(draft.room_id, draft.temp_id, delivery_status::sending));
  auto& origin = self->state.current_destination;
  admit(self, std::move(draft), 0, origin.empty() ? std::string{"/app/chat"} : origin);
}

void on_status(session_ptr self, const status_event& event) {
  if (event.status == delivery_status::saved || event.status == delivery_status::failed) {
    chat_message draft;
    switch (self->state.resends.on_final_status(event, draft)) {
    case resend_tracker::verdict::drop:
    case resend_tracker::verdict::hold:
      return;
    case resend_tracker::verdict::resend:
      // The room's owner changed under it: its current home answers, same tempId.
      self->state.rooms.erase(event.room_id);
      admit(self, std::move(draft), 0);
      return;
    case resend_tracker::verdict::deliver:
      break;
    }
  }
  deliver_status(self, event);
}

void on_room_down(session_ptr self, const caf::actor_addr& room) {
  auto& st = self->state;
  std::vector<int64_t> room_ids;
  for (auto& [room_id, actor] : st.rooms)
    if (actor.address() == room)
      room_ids.push_back(room_id);
  for (auto room_id : room_ids)
    st.rooms.erase(room_id);
  auto i = st.room_keys.find(room);
  if (i == st.room_keys.end())
    return;
  auto key = i->second;
  st.room_keys.erase(i);
  // Its node died or it stopped: what it admitted goes to the room's new home, same tempId
  // (saved once there, whatever happened here).
  for (auto& draft : st.resends.room_died(key))
    admit(self, std::move(draft), 0);
  // The room's new actor learns that this session is here.
  for (auto room_id : room_ids)
    if (std::find(st.present_in.begin(), st.present_in.end(), room_id) != st.present_in.end())
      announce_presence_in(self, room_id);
}

} // namespace chat
