// /api/v1/users/friends/..., /users/recommendations: friend requests and their answers, the
// lists, breadth-first recommendations; each change reaches both users' sessions (on every
// node) on /user/queue/friends.
#include "gateway/rest/routes.hpp"

#include "gateway/rest/common.hpp"
#include "protocol/codec/people_json.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/people.hpp"

namespace chat::rest {

namespace {

constexpr const char* friends_queue = "/user/queue/friends";

void push(self_ptr self, const ctx_ptr& ctx, int64_t user_id, const json& body) {
  self->send(ctx->fanout, user_delivery{{user_id}, friends_queue, dump(body)});
}

/// A friendship began: each side learns the other as the new friend.
void push_accepted(self_ptr self, const ctx_ptr& ctx, int64_t caller,
                   const friend_outcome& outcome) {
  push(self, ctx, caller, friends_push_json("ACCEPTED", &outcome.request, &outcome.new_friend));
  auto other = outcome.new_friend.account.id;
  auto request = outcome.request;
  self->request(ctx->users, ctx->settings.request_timeout, profile_atom::value, other, caller)
    .then([self, ctx, other, request](
            profile& me) { push(self, ctx, other, friends_push_json("ACCEPTED", &request, &me)); },
          [](caf::error&) {});
}

/// GET /users/friends.
void list_friends(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  ask_once(
    ctx, respond, ctx->users,
    [respond](std::vector<profile>& list) { respond(json_answer(200, json_array_of(list))); },
    friends_atom::value, *caller);
}

/// GET /users/friends/requests.
void list_requests(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  ask_once(
    ctx, respond, ctx->users,
    [respond](friend_requests& x) {
      respond(json_answer(200, json{{"incoming", json_array_of(x.incoming)},
                                    {"outgoing", json_array_of(x.outgoing)}}));
    },
    friend_requests_atom::value, *caller);
}

/// POST /users/friends/requests {userId}.
void send_request(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto request = caller_and_body(ctx, req, respond);
  if (!request)
    return;
  auto caller = request->first;
  auto target = id_field(request->second, "userId");
  if (!target) {
    bad_request(respond, "userId: a user id");
    return;
  }
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->users,
      [self, ctx, respond, caller](friend_outcome& outcome) {
        if (outcome.friends) {
          push_accepted(self, ctx, caller, outcome);
          respond(json_answer(200, json{{"friend", to_json(outcome.new_friend)}}));
          return;
        }
        push(self, ctx, outcome.request.to.id,
             friends_push_json("REQUEST", &outcome.request, nullptr));
        respond(json_answer(201, to_json(outcome.request)));
      },
      befriend_atom::value, caller, *target);
  });
}

void answer_request(ctx_ptr ctx, http_request req, route_params params, http_responder respond,
                    bool accept) {
  auto caller_id = authenticate(ctx, req, respond);
  if (!caller_id)
    return;
  auto caller = *caller_id;
  auto request_id = path_id(params, "requestId", respond);
  if (!request_id)
    return;
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->users,
      [self, ctx, respond, accept, caller](friend_outcome& outcome) {
        if (!accept) {
          respond(no_content());
          return;
        }
        push_accepted(self, ctx, caller, outcome);
        respond(json_answer(200, json{{"friend", to_json(outcome.new_friend)}}));
      },
      friend_answer_atom::value, caller, *request_id, accept);
  });
}

/// POST /users/friends/requests/{requestId}/accept.
void accept_request(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  answer_request(std::move(ctx), std::move(req), std::move(params), std::move(respond), true);
}

/// POST /users/friends/requests/{requestId}/reject.
void reject_request(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  answer_request(std::move(ctx), std::move(req), std::move(params), std::move(respond), false);
}

/// DELETE /users/friends/{friendId}.
void remove_friend(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto caller_id = authenticate(ctx, req, respond);
  if (!caller_id)
    return;
  auto caller = *caller_id;
  auto other = path_id(params, "friendId", respond);
  if (!other)
    return;
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->users,
      [self, ctx, respond, caller, other = *other](bool) {
        // Each side learns whom they lost.
        for (auto [to, lost] : {std::pair{caller, other}, std::pair{other, caller}})
          self->request(ctx->users, ctx->settings.request_timeout, profile_atom::value, to, lost)
            .then([self, ctx, to](
                    profile& x) { push(self, ctx, to, friends_push_json("REMOVED", nullptr, &x)); },
                  [](caf::error&) {});
        respond(no_content());
      },
      unfriend_atom::value, caller, *other);
  });
}

/// GET /users/recommendations?depth=&limit=.
void recommendations(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto depth = query_number(req, "depth", 2, 2, 4);
  auto limit = query_number(req, "limit", 20, 1, 100);
  if (!depth || !limit) {
    bad_request(respond, !depth ? "depth: 2 to 4" : "limit: 1 to 100");
    return;
  }
  recommendation_query query{*caller, static_cast<int32_t>(*depth), static_cast<int32_t>(*limit)};
  ask_once(
    ctx, respond, ctx->users,
    [respond](std::vector<recommendation>& list) {
      respond(json_answer(200, json_array_of(list)));
    },
    recommend_atom::value, query);
}

} // namespace

void add_friend_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("GET", "/api/v1/users/friends", route_to(ctx, list_friends));
  routes.add("GET", "/api/v1/users/friends/requests", route_to(ctx, list_requests));
  routes.add("POST", "/api/v1/users/friends/requests", route_to(ctx, send_request));
  routes.add("POST", "/api/v1/users/friends/requests/{requestId}/accept",
             route_to(ctx, accept_request));
  routes.add("POST", "/api/v1/users/friends/requests/{requestId}/reject",
             route_to(ctx, reject_request));
  routes.add("DELETE", "/api/v1/users/friends/{friendId}", route_to(ctx, remove_friend));
  routes.add("GET", "/api/v1/users/recommendations", route_to(ctx, recommendations));
}

} // namespace chat::rest
