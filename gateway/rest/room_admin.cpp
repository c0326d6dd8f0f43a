// Room management: title and description, leaving and deletion, search, multiple creation,
// notice and favorites. The membership store checks roles and writes each change with its
// events; members hear of it on /user/queue/room-updates.
#include "gateway/rest/routes.hpp"

#include "gateway/rest/change_room.hpp"
#include "gateway/rest/common.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/room_json.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/room_admin.hpp"

namespace chat::rest {

namespace {

/// At most this many rooms in one multiple creation.
constexpr size_t max_rooms_per_creation = 20;

void update_room(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto request = room_request_of(ctx, req, params, respond, true);
  if (!request)
    return;
  auto room_id = request->room_id;
  auto& body = request->body;
  room_patch patch;
  if (!read_text(body, "title", 1, 100, patch.has_title, patch.title, respond) ||
      !read_text(body, "description", 0, 500, patch.has_description, patch.description, respond))
    return;
  change_room(
    ctx, respond, room_id,
    [](const room_admin_result& result) { return json_answer(200, to_json(result.view)); },
    room_update_atom::value, room_id, request->caller, patch);
}

void delete_room(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto request = room_request_of(ctx, req, params, respond, false);
  if (!request)
    return;
  auto room_id = request->room_id;
  auto caller = request->caller;
  auto flag = req.query.find("forEveryone");
  if (flag != req.query.end() && flag->second != "true" && flag->second != "false") {
    bad_request(respond, "forEveryone: true or false");
    return;
  }
  bool for_everyone = flag != req.query.end() && flag->second == "true";
  change_room(
    ctx, respond, room_id, [](const room_admin_result&) { return no_content(); }, leave_atom::value,
    room_id, caller, for_everyone);
}

void search_rooms(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto q = req.query.find("q");
  if (q == req.query.end() || characters(q->second) < 1 || characters(q->second) > 100) {
    bad_request(respond, "q: 1 to 100 characters");
    return;
  }
  auto limit = query_number(req, "limit", 20, 1, 100);
  if (!limit) {
    bad_request(respond, "limit: 1 to 100");
    return;
  }
  ask_once(
    ctx, respond, ctx->membership,
    [respond](std::vector<room_view>& rooms) { respond(json_answer(200, json_array_of(rooms))); },
    room_search_atom::value, *caller, q->second, static_cast<int32_t>(*limit));
}

/// One room of `rooms` of a multiple creation; nullopt after answering 400.
std::optional<room_spec> read_spec(const json& entry, const http_responder& respond) {
  if (!entry.is_object()) {
    bad_request(respond, "rooms: an array of {title, type, participantIds}");
    return std::nullopt;
  }
  room_spec spec;
  bool present = false;
  if (!read_text(entry, "title", 1, 100, present, spec.title, respond))
    return std::nullopt;
  auto type = string_field(entry, "type");
  auto participants = id_list(entry, "participantIds", 1000);
  if (!present || !type || (*type != "GROUP" && *type != "DIRECT") || !participants) {
    bad_request(respond, "each room: a title of 1 to 100 characters, type GROUP or DIRECT, "
                         "participantIds an array of user ids");
    return std::nullopt;
  }
  spec.type = *type;
  spec.participants = *participants;
  return spec;
}

void create_rooms(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto request = caller_and_body(ctx, req, respond);
  if (!request)
    return;
  auto list = request->second.find("rooms");
  if (list == request->second.end() || !list->is_array() || list->empty() ||
      list->size() > max_rooms_per_creation) {
    bad_request(respond, "rooms: an array of 1 to 20 rooms");
    return;
  }
  std::vector<room_spec> specs;
  for (auto& entry : *list) {
    auto spec = read_spec(entry, respond);
    if (!spec)
      return;
    specs.push_back(std::move(*spec));
  }
  in_actor(*ctx->sys, [=, caller = request->first](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership,
      [=](std::vector<room_view>& views) {
        // Each new room appears in its members' lists at once.
        auto pending = std::make_shared<size_t>(views.size());
        auto answer = json_array_of(views);
        for (auto& view : views)
          push_room_change(self, ctx, view.room.id, "CREATED", {}, [=] {
            if (--*pending == 0)
              respond(json_answer(201, answer));
          });
      },
      create_many_atom::value, caller, specs);
  });
}

void get_notice(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  as_member(ctx, req, params, respond, [respond](self_ptr, int64_t, int64_t, room_view& view) {
    if (view.room.notice_at == 0)
      respond(chat::error_response(chat_errc::not_found, "this room has no notice"));
    else
      respond(json_answer(200, notice_json(view.room)));
  });
}

void set_notice(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto request = room_request_of(ctx, req, params, respond, true);
  if (!request)
    return;
  auto room_id = request->room_id;
  bool present = false;
  std::string content;
  if (!read_text(request->body, "content", 0, 2000, present, content, respond))
    return;
  if (!present) {
    bad_request(respond, "content: a string of at most 2000 characters (\"\" clears)");
    return;
  }
  auto caller = request->caller;
  change_room(
    ctx, respond, room_id,
    [caller](const room_admin_result& result) {
      // A cleared notice answers with its empty content.
      if (result.view.room.notice_at == 0)
        return json_answer(
          200, json{{"content", ""}, {"updatedBy", caller}, {"updatedAt", iso8601(now_ms())}});
      return json_answer(200, notice_json(result.view.room));
    },
    notice_atom::value, room_id, caller, content);
}

void favorites(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  ask_once(
    ctx, respond, ctx->membership,
    [respond](std::vector<room_view>& rooms) { respond(json_answer(200, json_array_of(rooms))); },
    favorites_atom::value, *caller);
}

void set_favorite(ctx_ptr ctx, const http_request& req, const route_params& params,
                  const http_responder& respond, bool favorite) {
  auto request = room_request_of(ctx, req, params, respond, false);
  if (!request)
    return;
  auto room_id = request->room_id;
  auto caller = request->caller;
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership,
      [=](room_view& view) {
        // The mark is the user's own: only their sessions hear of it.
        self->send(ctx->fanout,
                   user_delivery{{caller},
                                 "/user/queue/room-updates",
                                 room_change_json(room_id, &view, "FAVORITE_CHANGED")});
        respond(no_content());
      },
      favorite_atom::value, caller, room_id, favorite);
  });
}

void add_favorite(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  set_favorite(ctx, req, params, respond, true);
}

void remove_favorite(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  set_favorite(ctx, req, params, respond, false);
}

} // namespace

void add_room_admin_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("PUT", "/api/v1/chatrooms/{roomId}", route_to(ctx, update_room));
  routes.add("DELETE", "/api/v1/chatrooms/{roomId}", route_to(ctx, delete_room));
  routes.add("GET", "/api/v1/chatrooms/search", route_to(ctx, search_rooms));
  routes.add("POST", "/api/v1/chatrooms/multiple", route_to(ctx, create_rooms));
  routes.add("GET", "/api/v1/chatrooms/{roomId}/notice", route_to(ctx, get_notice));
  routes.add("POST", "/api/v1/chatrooms/{roomId}/notice", route_to(ctx, set_notice));
  routes.add("GET", "/api/v1/chatrooms/favorites", route_to(ctx, favorites));
  routes.add("POST", "/api/v1/chatrooms/{roomId}/favorite", route_to(ctx, add_favorite));
  routes.add("DELETE", "/api/v1/chatrooms/{roomId}/favorite", route_to(ctx, remove_favorite));
}

} // namespace chat::rest
