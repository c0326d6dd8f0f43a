// /app/read and /app/read-all: the member's read position moves in the membership store,
// then the room learns it (unread counts, room lists).
#include "gateway/stomp/destinations.hpp"

#include <nlohmann/json.hpp>

#include "gateway/json_fields.hpp"
#include "gateway/stomp/session_ops.hpp"
#include "protocol/errors.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/room.hpp"

namespace chat {

namespace {

/// Negative seq: everything.
void mark_read(session_ptr self, int64_t room_id, int64_t seq) {
  auto& st = self->state;
  auto destination = st.current_destination;
  self
    ->request(st.ctx->membership, st.ctx->settings.request_timeout, mark_read_atom::value, room_id,
              st.user_id, seq)
    .then(
      [self, room_id](room_view& view) {
        with_room(
          self, room_id,
          [self, read_seq = view.read_seq, unread = view.unread_count](room_actor& room) {
            self->send(room, read_atom::value, self->state.user_id, read_seq, unread);
          },
          [](const caf::error&) {});
      },
      [self, destination](caf::error& err) {
        destination_scope scope{self, destination};
        app_error(self, app_code(err), describe(err));
      });
}

} // namespace

void read_up_to(session_ptr self, const nlohmann::json& body) {
  auto room_id = id_field(body, "roomId");
  auto seq = seq_field(body, "seq");
  if (!room_id || !seq)
    app_error(self, chat_errc::invalid_input, "read needs {roomId, seq}");
  else
    mark_read(self, *room_id, *seq);
}

void read_all(session_ptr self, const nlohmann::json& body) {
  auto room_id = id_field(body, "roomId");
  if (!room_id)
    app_error(self, chat_errc::invalid_input, "read-all needs {roomId}");
  else
    mark_read(self, *room_id, -1);
}

} // namespace chat
