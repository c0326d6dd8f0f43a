// /api/v1/users/...: profiles, status, user search and blocks (docs/api.md, "REST: people").
#include "gateway/rest/routes.hpp"

#include <array>
#include <string_view>

#include "gateway/rest/common.hpp"
#include "protocol/codec/people_json.hpp"
#include "protocol/codec/user_json.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/people.hpp"
#include "protocol/types/room.hpp"

namespace chat::rest {

namespace {

bool is_web_url(std::string_view url) {
  return url.empty() || url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

bool is_status(std::string_view status) {
  static constexpr std::array<std::string_view, 4> statuses{"ONLINE", "AWAY", "BUSY", "OFFLINE"};
  for (auto x : statuses)
    if (x == status)
      return true;
  return false;
}

void answer_profile(const http_responder& respond, profile& x) {
  respond(json_answer(200, to_json(x)));
}

/// PUT /users/me {nickname?, bio?, avatarUrl?}.
void update_me(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto request = caller_and_body(ctx, req, respond);
  if (!request)
    return;
  auto caller = request->first;
  const auto& body = request->second;
  profile_update update;
  if (!read_text(body, "nickname", 1, 50, update.has_nickname, update.nickname, respond) ||
      !read_text(body, "bio", 0, 500, update.has_bio, update.bio, respond) ||
      !read_text(body, "avatarUrl", 0, 2048, update.has_avatar_url, update.avatar_url, respond))
    return;
  if (!is_web_url(update.avatar_url)) {
    bad_request(respond, "avatarUrl: an http or https URL");
    return;
  }
  ask_once(
    ctx, respond, ctx->users, [respond](profile& x) { answer_profile(respond, x); },
    profile_set_atom::value, caller, update);
}

/// PUT /users/status {status, statusMessage?}.
void update_status(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto request = caller_and_body(ctx, req, respond);
  if (!request)
    return;
  auto caller = request->first;
  const auto& body = request->second;
  auto status = string_field(body, "status");
  if (!status || !is_status(*status)) {
    bad_request(respond, "status: ONLINE, AWAY, BUSY or OFFLINE");
    return;
  }
  bool present = false;
  std::string message;
  if (!read_text(body, "statusMessage", 0, 140, present, message, respond))
    return;
  in_actor(*ctx->sys, [=, status = *status](self_ptr self) {
    ask(
      self, ctx, respond, ctx->users,
      [=](profile& x) {
        answer_profile(respond, x);
        // The members of the user's rooms see the status on /topic/active/{roomId}.
        self->request(ctx->membership, ctx->settings.request_timeout, rooms_of_atom::value, caller)
          .then(
            [=](std::vector<room_view>& rooms) {
              for (auto& view : rooms)
                tell_room(self, ctx, view.room.id, member_status_atom::value, caller, status);
            },
            [](caf::error&) {});
      },
      status_set_atom::value, caller, status, message);
  });
}

/// GET /users/{userId}.
void get_user(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto id = path_id(params, "userId", respond);
  if (!id)
    return;
  ask_once(
    ctx, respond, ctx->users, [respond](profile& x) { answer_profile(respond, x); },
    profile_atom::value, *caller, *id);
}

/// GET /users/search?q=&limit=.
void search_users(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto q = req.query.find("q");
  if (q == req.query.end() || characters(q->second) < 2 || characters(q->second) > 100) {
    bad_request(respond, "q: 2 to 100 characters");
    return;
  }
  auto limit = query_number(req, "limit", 20, 1, 50);
  if (!limit) {
    bad_request(respond, "limit: 1 to 50");
    return;
  }
  auto prefix = q->second;
  ask_once(
    ctx, respond, ctx->users,
    [respond](std::vector<user>& found) { respond(json_answer(200, json_array_of(found))); },
    user_search_atom::value, *caller, prefix, static_cast<int32_t>(*limit));
}

void set_block(ctx_ptr ctx, int64_t caller, int64_t target, bool blocked, http_responder respond) {
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->users,
      [=](bool) {
        // Both users' sessions, on every node, read again whose messages to hide (a moment
        // after this answer).
        self->send(ctx->fanout, user_delivery{{caller, target}, blocks_changed_queue, "{}"});
        respond(no_content());
      },
      block_atom::value, caller, target, blocked);
  });
}

/// POST /users/block {targetUserId}.
void block(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto request = caller_and_body(ctx, req, respond);
  if (!request)
    return;
  auto caller = request->first;
  auto target = id_field(request->second, "targetUserId");
  if (!target) {
    bad_request(respond, "targetUserId: a user id");
    return;
  }
  set_block(ctx, caller, *target, true, respond);
}

/// DELETE /users/block/{userId}.
void unblock(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto target = path_id(params, "userId", respond);
  if (!target)
    return;
  set_block(ctx, *caller, *target, false, respond);
}

/// GET /users/blocked.
void blocked(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  ask_once(
    ctx, respond, ctx->users,
    [respond](std::vector<user>& found) { respond(json_answer(200, json_array_of(found))); },
    blocked_atom::value, *caller);
}

} // namespace

void add_people_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("PUT", "/api/v1/users/me", route_to(ctx, update_me));
  routes.add("PUT", "/api/v1/users/status", route_to(ctx, update_status));
  routes.add("GET", "/api/v1/users/search", route_to(ctx, search_users));
  routes.add("GET", "/api/v1/users/{userId}", route_to(ctx, get_user));
  routes.add("POST", "/api/v1/users/block", route_to(ctx, block));
  routes.add("DELETE", "/api/v1/users/block/{userId}", route_to(ctx, unblock));
  routes.add("GET", "/api/v1/users/blocked", route_to(ctx, blocked));
}

} // namespace chat::rest
