// What every REST area shares: authentication, membership, JSON bodies and fields, and the
// HTTP form of errors. Each area (rest/<area>.cpp) exposes add_<area>_routes(router&, ctx).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/typed_actor.hpp>
#include <nlohmann/json.hpp>

#include "gateway/gateway_context.hpp"
#include "gateway/http/actor_bridge.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/http/router.hpp"
#include "gateway/json_fields.hpp"
#include "gateway/room_changes.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/errors.hpp"

namespace chat::rest {

using json = nlohmann::json;
using ctx_ptr = std::shared_ptr<gateway_context>;
using self_ptr = caf::event_based_actor*;

/// A REST handler of an area: the node's context, the request, its path parameters.
using handler_fn = void (*)(ctx_ptr, http_request, route_params, http_responder);

/// Binds an area's handler to the context, for router::add.
router::handler route_to(const ctx_ptr& ctx, handler_fn fn);

/// The HTTP form of a chat error: never a 500 for bad input.
http_response error_response(const caf::error& err);

/// 400 with `message`.
void bad_request(const http_responder& respond, const std::string& message);

/// A JSON answer.
http_response json_answer(int status, const json& body);

/// 204.
http_response no_content();

/// Runs a request from a one-shot actor; failures answer with their HTTP error.
template <class Handle, class OnOk, class... Ts>
void ask(self_ptr self, const ctx_ptr& ctx, const http_responder& respond, const Handle& target,
         OnOk on_ok, Ts... xs) {
  self->request(target, ctx->settings.request_timeout, xs...)
    .then(std::move(on_ok), [respond](caf::error& err) { respond(error_response(err)); });
}

/// A JSON array of the items' `to_json`.
template <class T> json json_array_of(const std::vector<T>& items) {
  json answer = json::array();
  for (auto& x : items)
    answer.push_back(to_json(x));
  return answer;
}

/// Runs `ask` from a one-shot actor of the node.
template <class Handle, class OnOk, class... Ts>
void ask_once(const ctx_ptr& ctx, const http_responder& respond, const Handle& target, OnOk on_ok,
              Ts... xs) {
  in_actor(*ctx->sys, [=](self_ptr self) { ask(self, ctx, respond, target, on_ok, xs...); });
}

/// The caller's id from "Authorization: Bearer <access token>"; answers 401 itself.
std::optional<int64_t> authenticate(const ctx_ptr& ctx, const http_request& req,
                                    const http_responder& respond);

/// The body as a JSON object; answers 400 itself.
std::optional<json> json_body(const http_request& req, const http_responder& respond);

/// The caller and the body of an authenticated request with a JSON object body; answers 401
/// or 400 itself.
std::optional<std::pair<int64_t, json>> caller_and_body(const ctx_ptr& ctx, const http_request& req,
                                                        const http_responder& respond);

/// Code points of valid UTF-8 text (the body parser rejected invalid UTF-8 already).
size_t characters(std::string_view text);

/// Reads an optional string field of `min`..`max` characters into `out` (`present` says
/// whether it was sent); false after answering 400.
bool read_text(const json& body, const char* name, size_t min, size_t max, bool& present,
               std::string& out, const http_responder& respond);

/// A positive id of the path; answers 400 itself.
std::optional<int64_t> path_id(const route_params& params, const char* name,
                               const http_responder& respond);

/// A query number: absent -> fallback; malformed or out of [low, high] -> nullopt.
std::optional<int64_t> query_number(const http_request& req, const char* name, int64_t fallback,
                                    int64_t low, int64_t high);

/// An authenticated request about the room of the {roomId} path parameter.
struct room_request {
  int64_t caller = 0;
  int64_t room_id = 0;
  /// The JSON object body, when asked for.
  json body;
};

/// The caller, the room and (with `with_body`) the body; answers 401 or 400 itself.
std::optional<room_request> room_request_of(const ctx_ptr& ctx, const http_request& req,
                                            const route_params& params,
                                            const http_responder& respond, bool with_body);

/// Runs `then(self, caller, room_id, view)` when the caller is a member of the room of the
/// {roomId} path parameter (401, 400, 404 or 403 otherwise).
template <class Then>
void as_member(ctx_ptr ctx, const http_request& req, const route_params& params,
               http_responder respond, Then then) {
  auto request = room_request_of(ctx, req, params, respond, false);
  if (!request)
    return;
  in_actor(*ctx->sys, [=, caller = request->caller, room_id = request->room_id](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership,
      [=](room_view& view) mutable { then(self, caller, room_id, view); }, view_atom::value,
      room_id, caller);
  });
}

/// Tells a room's actor (wherever it runs) that something about it changed.
template <class... Ts>
void tell_room(self_ptr self, const ctx_ptr& ctx, int64_t room_id, Ts... xs) {
  self->request(ctx->directory, ctx->settings.request_timeout, lookup_atom::value, room_id)
    .then([self, xs...](room_actor& room) { self->send(room, xs...); }, [](caf::error&) {});
}

} // namespace chat::rest
