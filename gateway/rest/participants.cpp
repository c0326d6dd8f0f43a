// GET /api/v1/chatrooms/{roomId}/participants: each member with role, read position and
// whether a session of theirs is open (the room actor knows, cluster-wide).
#include "gateway/rest/routes.hpp"

#include <algorithm>

#include "gateway/rest/common.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/user_json.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/types/room.hpp"

namespace chat::rest {

namespace {

json participants_json(const std::vector<room_participant>& list,
                       const std::vector<int64_t>& online) {
  json answer = json::array();
  for (auto& p : list) {
    auto row = to_json(p.account);
    row["role"] = p.role;
    row["readSeq"] = p.read_seq;
    row["joinedAt"] = iso8601(p.joined_at);
    row["online"] = std::binary_search(online.begin(), online.end(), p.account.id);
    answer.push_back(std::move(row));
  }
  return answer;
}

void participants(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  as_member(ctx, req, params, respond,
            [ctx, respond](self_ptr self, int64_t, int64_t room_id, room_view&) {
              ask(
                self, ctx, respond, ctx->membership,
                [self, ctx, respond, room_id](std::vector<room_participant>& list) {
                  auto timeout = ctx->settings.request_timeout;
                  // Without an answer from the room, nobody is shown online.
                  auto without_room = [respond, list](caf::error&) {
                    respond(json_answer(200, participants_json(list, {})));
                  };
                  self->request(ctx->directory, timeout, lookup_atom::value, room_id)
                    .then(
                      [=](room_actor& room) {
                        self->request(room, timeout, online_atom::value)
                          .then(
                            [respond, list](std::vector<int64_t>& online) {
                              respond(json_answer(200, participants_json(list, online)));
                            },
                            without_room);
                      },
                      without_room);
                },
                participants_atom::value, room_id);
            });
}

} // namespace

void add_participant_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("GET", "/api/v1/chatrooms/{roomId}/participants", route_to(ctx, participants));
}

} // namespace chat::rest
