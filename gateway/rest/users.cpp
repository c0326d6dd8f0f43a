#include "gateway/rest/routes.hpp"

#include "gateway/rest/common.hpp"

#include "protocol/codec/event_json.hpp"
#include "protocol/codec/user_json.hpp"
#include "protocol/types/streamer.hpp"
#include "protocol/types/user.hpp"

namespace chat::rest {

namespace {

void me(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->users,
      [respond](user& account) { respond(json_answer(200, (to_json(account)))); }, user_atom::value,
      *caller);
  });
}

/// GET /api/v1/notifications?limit=: the caller's mentions, newest first (kept by
/// chat-streamer).
void notifications(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto limit = query_number(req, "limit", 50, 1, 200);
  if (!limit) {
    bad_request(respond, "limit: 1 to 200");
    return;
  }
  if (!ctx->notifications) {
    respond(chat::error_response(chat_errc::unavailable,
                                 "notifications need streamer.dsn (chat-streamer)"));
    return;
  }
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->notifications,
      [respond](std::vector<mention_notification>& found) {
        std::string body = "[";
        for (auto& x : found) {
          if (body.size() > 1)
            body += ',';
          body += notification_json(x);
        }
        body += ']';
        respond(json_response(200, std::move(body)));
      },
      mentions_atom::value, *caller, static_cast<int32_t>(*limit));
  });
}

} // namespace

void add_user_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("GET", "/api/v1/users/me", route_to(ctx, me));
  routes.add("GET", "/api/v1/notifications", route_to(ctx, notifications));
}

} // namespace chat::rest
