// GET /api/v1/chatrooms/{roomId}/participants: each member with role, read position and
// whether a session of theirs is open (the room actor knows, cluster-wide); and the OWNER's
// role changes.
#include "gateway/rest/routes.hpp"

#include <algorithm>
#include <functional>

#include "gateway/rest/common.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/user_json.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/room_admin.hpp"

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

/// Runs `then(online)` with the room's members that have a session open (none when the room
/// does not answer: nobody is shown online).
void with_online(self_ptr self, const ctx_ptr& ctx, int64_t room_id,
                 std::function<void(const std::vector<int64_t>&)> then) {
  auto timeout = ctx->settings.request_timeout;
  auto without_room = [then](caf::error&) { then({}); };
  self->request(ctx->directory, timeout, lookup_atom::value, room_id)
    .then(
      [=](room_actor& room) {
        self->request(room, timeout, online_atom::value)
          .then([then](std::vector<int64_t>& online) { then(online); }, without_room);
      },
      without_room);
}

void participants(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  as_member(ctx, req, params, respond,
            [ctx, respond](self_ptr self, int64_t, int64_t room_id, room_view&) {
              ask(
                self, ctx, respond, ctx->membership,
                [self, ctx, respond, room_id](std::vector<room_participant>& list) {
                  with_online(self, ctx, room_id, [respond, list](const std::vector<int64_t>& on) {
                    respond(json_answer(200, participants_json(list, on)));
                  });
                },
                participants_atom::value, room_id);
            });
}

void set_role(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto request = room_request_of(ctx, req, params, respond, true);
  if (!request)
    return;
  auto room_id = request->room_id;
  auto user_id = path_id(params, "userId", respond);
  if (!user_id)
    return;
  auto role = string_field(request->body, "role");
  if (!role || (*role != "ADMIN" && *role != "MEMBER")) {
    bad_request(respond, "role: ADMIN or MEMBER");
    return;
  }
  in_actor(*ctx->sys, [=, caller = request->caller](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership,
      [=](room_admin_result& result) {
        after_room_change(self, ctx, room_id, result, [=] {
          with_online(self, ctx, room_id, [respond, result](const std::vector<int64_t>& on) {
            respond(json_answer(200, participants_json({result.participant}, on).at(0)));
          });
        });
      },
      role_atom::value, room_id, caller, *user_id, *role);
  });
}

} // namespace

void add_participant_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("GET", "/api/v1/chatrooms/{roomId}/participants", route_to(ctx, participants));
  routes.add("PUT", "/api/v1/chatrooms/{roomId}/participants/{userId}/role",
             route_to(ctx, set_role));
}

} // namespace chat::rest
