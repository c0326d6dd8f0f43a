// /app/sync: a page of a room's history after a seq, answered on /user/queue/sync.
#include "gateway/stomp/destinations.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "gateway/json_fields.hpp"
#include "gateway/stomp/session_ops.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/room.hpp"

namespace chat {

void sync_history(session_ptr self, const nlohmann::json& body) {
  auto& st = self->state;
  auto room_id = id_field(body, "roomId");
  auto after = seq_field(body, "afterSeq");
  auto limit_field = body.find("limit");
  if (!room_id || !after || (limit_field != body.end() && !limit_field->is_number_integer())) {
    app_error(self, chat_errc::invalid_input, "sync needs {roomId, afterSeq, limit?}");
    return;
  }
  auto& settings = st.ctx->settings;
  auto limit = static_cast<int32_t>(std::clamp<int64_t>(
    limit_field != body.end() ? limit_field->get<int64_t>()
                              : static_cast<int64_t>(settings.sync_default_limit),
    1, static_cast<int64_t>(settings.sync_max_limit)));
  auto query = history_query{*room_id, *after, 0, limit, false};
  auto destination = st.current_destination;
  auto failed = [self, destination](caf::error& err) {
    destination_scope scope{self, destination};
    app_error(self, app_code(err), describe(err));
  };
  // Members only: the membership store answers not_member otherwise.
  self
    ->request(st.ctx->membership, settings.request_timeout, view_atom::value, *room_id, st.user_id)
    .then(
      [self, query, failed](room_view&) {
        auto& st = self->state;
        self
          ->request(st.ctx->messages, st.ctx->settings.request_timeout, history_atom::value, query)
          .then(
            [self, room_id = query.room_id](history_page& page) {
              auto messages = nlohmann::json::array();
              auto& hidden = hidden_in(self, room_id);
              for (auto& msg : page.messages)
                messages.push_back(is_hidden(hidden, msg.sender_id)
                                     ? hidden_message(msg.room_id, msg.seq)
                                     : to_json(msg));
              to_queue(self, "/user/queue/sync",
                       dump(nlohmann::json{{"roomId", room_id},
                                           {"messages", std::move(messages)},
                                           {"hasMore", page.has_more}}));
            },
            failed);
      },
      failed);
}

} // namespace chat
