// /app/rooms (the caller's room list, answered on /user/queue/rooms) and /app/group-chat
// (creates a GROUP room; every member hears of it on /user/queue/room-updates).
#include "gateway/stomp/destinations.hpp"

#include <nlohmann/json.hpp>

#include "gateway/http/actor_bridge.hpp"
#include "gateway/json_fields.hpp"
#include "gateway/room_changes.hpp"
#include "gateway/stomp/session_ops.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/codec/room_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/room.hpp"

namespace chat {

namespace {

/// At most this many participants in one room creation (as over REST).
constexpr size_t max_participants = 1000;

auto answer_error(session_ptr self) {
  return [self, destination = self->state.current_destination](caf::error& err) {
    destination_scope scope{self, destination};
    app_error(self, app_code(err), describe(err));
  };
}

} // namespace

void list_rooms(session_ptr self, const nlohmann::json&) {
  auto& st = self->state;
  self
    ->request(st.ctx->membership, st.ctx->settings.request_timeout, rooms_of_atom::value,
              st.user_id)
    .then(
      [self](std::vector<room_view>& rooms) {
        auto answer = nlohmann::json::array();
        for (auto& view : rooms)
          answer.push_back(to_json(view));
        to_queue(self, "/user/queue/rooms", dump(answer));
      },
      answer_error(self));
}

void create_group(session_ptr self, const nlohmann::json& body) {
  auto title = string_field(body, "title");
  auto participants = id_list(body, "participantIds", max_participants);
  if (!title || title->empty() || title->size() > 100 || !participants) {
    app_error(self, chat_errc::invalid_input,
              "group-chat needs {title: 1 to 100 characters, participantIds: user ids}");
    return;
  }
  auto& st = self->state;
  self
    ->request(st.ctx->membership, st.ctx->settings.request_timeout, create_atom::value, *title,
              std::string{"GROUP"}, st.user_id, *participants)
    .then(
      [ctx = st.ctx](room_view& view) {
        // The members' sessions (this one too) hear of it through the fan-out, wherever they
        // are connected.
        in_actor(*ctx->sys, [ctx, room_id = view.room.id](caf::event_based_actor* helper) {
          push_room_change(helper, ctx, room_id, "CREATED", {}, [] {});
        });
      },
      answer_error(self));
}

} // namespace chat
