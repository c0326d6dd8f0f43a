#include "gateway/rest/routes.hpp"

#include "gateway/rest/change_room.hpp"
#include "gateway/rest/common.hpp"

#include "protocol/codec/room_json.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/room_admin.hpp"

namespace chat::rest {

namespace {

void create_room(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto body = json_body(req, respond);
  if (!body)
    return;
  auto title = string_field(*body, "title");
  auto type = string_field(*body, "type");
  auto participants = id_list(*body, "participantIds", 1000);
  if (!title || title->empty() || title->size() > 100) {
    bad_request(respond, "title: 1 to 100 characters");
    return;
  }
  if (!type || (*type != "GROUP" && *type != "DIRECT")) {
    bad_request(respond, "type: GROUP or DIRECT");
    return;
  }
  if (!participants) {
    bad_request(respond, "participantIds: an array of user ids");
    return;
  }
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership,
      [=](room_view& view) {
        // The new room appears in every member's list at once.
        push_room_change(self, ctx, view.room.id, "CREATED", {},
                         [respond, view] { respond(json_answer(201, to_json(view))); });
      },
      create_atom::value, *title, *type, *caller, *participants);
  });
}

void list_rooms(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership,
      [respond](std::vector<room_view>& rooms) {
        json result = json::array();
        for (auto& view : rooms)
          result.push_back(to_json(view));
        respond(json_answer(200, result));
      },
      rooms_of_atom::value, *caller);
  });
}

void get_room(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  as_member(ctx, req, params, respond, [respond](self_ptr, int64_t, int64_t, room_view& view) {
    respond(json_answer(200, to_json(view)));
  });
}

void add_participants(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto request = room_request_of(ctx, req, params, respond, true);
  if (!request)
    return;
  auto room_id = request->room_id;
  auto users = id_list(request->body, "userIds", 1000);
  if (!users || users->empty()) {
    bad_request(respond, "userIds: a non-empty array of user ids");
    return;
  }
  // The new members can send as soon as they have the answer.
  change_room(
    ctx, respond, room_id,
    [](const room_admin_result& result) { return json_answer(200, to_json(result.view)); },
    add_members_atom::value, room_id, request->caller, *users);
}

void remove_participant(ctx_ptr ctx, http_request req, route_params params,
                        http_responder respond) {
  auto request = room_request_of(ctx, req, params, respond, false);
  if (!request)
    return;
  auto room_id = request->room_id;
  auto caller = request->caller;
  auto user_id = path_id(params, "userId", respond);
  if (!user_id)
    return;
  change_room(
    ctx, respond, room_id, [](const room_admin_result&) { return no_content(); },
    remove_member_atom::value, room_id, caller, *user_id);
}

} // namespace

void add_room_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("POST", "/api/v1/chatrooms", route_to(ctx, create_room));
  routes.add("GET", "/api/v1/chatrooms", route_to(ctx, list_rooms));
  routes.add("GET", "/api/v1/chatrooms/{roomId}", route_to(ctx, get_room));
  routes.add("POST", "/api/v1/chatrooms/{roomId}/participants", route_to(ctx, add_participants));
  routes.add("DELETE", "/api/v1/chatrooms/{roomId}/participants/{userId}",
             route_to(ctx, remove_participant));
}

} // namespace chat::rest
