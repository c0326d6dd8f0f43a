// /api/v1/messages/reaction, /pin, /pins: reactions of a member, pins of a room's OWNER or
// ADMIN (at most 3 a room). The room decides each as one event in its version order.
#include "gateway/rest/routes.hpp"

#include <map>

#include "gateway/message_fields.hpp"
#include "gateway/rest/message_access.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/message_json.hpp"

namespace chat::rest {

namespace {

/// {messageId, reaction} of the body, or of the query (DELETE without a body).
void reaction(ctx_ptr ctx, http_request req, change_kind kind, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  json fields = json::object();
  if (!req.body.empty()) {
    auto body = json_body(req, respond);
    if (!body)
      return;
    fields = std::move(*body);
  } else {
    for (auto* name : {"messageId", "reaction"})
      if (auto i = req.query.find(name); i != req.query.end())
        fields[name] = i->second;
  }
  auto id = string_field(fields, "messageId");
  auto text = string_field(fields, "reaction");
  if (!message_id_in(id ? &*id : nullptr, respond))
    return;
  if (!text || !valid_reaction(*text)) {
    bad_request(respond, "reaction must be a string of 1 to 32 bytes");
    return;
  }
  answer_change(ctx, message_change{kind, *id, *caller, *text, 0}, 200, respond);
}

void add_reaction(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  reaction(std::move(ctx), std::move(req), change_kind::react, std::move(respond));
}

void remove_reaction(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  reaction(std::move(ctx), std::move(req), change_kind::unreact, std::move(respond));
}

/// POST /messages/pin {messageId, roomId}: 200 message.
void pin(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto body = caller ? json_body(req, respond) : std::nullopt;
  if (!body)
    return;
  auto id = string_field(*body, "messageId");
  auto room_id = id_field(*body, "roomId");
  if (!message_id_in(id ? &*id : nullptr, respond))
    return;
  if (!room_id) {
    bad_request(respond, "pin needs {messageId, roomId}");
    return;
  }
  // The message must be one of that room's: its room decides the pin.
  as_reader(
    ctx, *caller, *id, respond,
    [ctx, respond, caller, room_id = *room_id](self_ptr, chat_message& msg) {
      if (msg.room_id != room_id) {
        respond(
          chat::error_response(chat_errc::not_found, "no message " + msg.id + " in this room"));
        return;
      }
      answer_change(ctx, message_change{change_kind::pin, msg.id, *caller, {}, 0}, 200, respond);
    });
}

void unpin(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto i = params.find("messageId");
  auto id =
    caller ? message_id_in(i == params.end() ? nullptr : &i->second, respond) : std::nullopt;
  if (id)
    answer_change(ctx, message_change{change_kind::unpin, *id, *caller, {}, 0}, 204, respond);
}

/// GET /messages/pins/{roomId}: [{message, pinnedBy, pinnedAt}], newest first.
void pins(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  as_member(ctx, req, params, respond,
            [ctx, respond](self_ptr self, int64_t, int64_t room_id, room_view&) {
              ask(
                self, ctx, respond, ctx->commits,
                [self, ctx, respond](std::vector<room_pin>& list) {
                  std::vector<std::string> ids;
                  for (auto& p : list)
                    ids.push_back(p.message_id);
                  ask(
                    self, ctx, respond, ctx->messages,
                    [respond, list](std::vector<chat_message>& found) {
                      std::map<std::string, const chat_message*> by_id;
                      for (auto& msg : found)
                        by_id.emplace(msg.id, &msg);
                      json answer = json::array();
                      for (auto& p : list)
                        if (auto m = by_id.find(p.message_id); m != by_id.end())
                          answer.push_back(json{{"message", to_json(*m->second)},
                                                {"pinnedBy", p.pinned_by},
                                                {"pinnedAt", iso8601(p.pinned_at)}});
                      respond(json_answer(200, answer));
                    },
                    messages_atom::value, std::move(ids));
                },
                pins_atom::value, room_id);
            });
}

} // namespace

void add_reaction_and_pin_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("POST", "/api/v1/messages/reaction", route_to(ctx, add_reaction));
  routes.add("DELETE", "/api/v1/messages/reaction", route_to(ctx, remove_reaction));
  routes.add("POST", "/api/v1/messages/pin", route_to(ctx, pin));
  routes.add("DELETE", "/api/v1/messages/pin/{messageId}", route_to(ctx, unpin));
  routes.add("GET", "/api/v1/messages/pins/{roomId}", route_to(ctx, pins));
}

} // namespace chat::rest
