// /api/v1/messages: history, detail, send, edit, delete, mark-read.
#include "gateway/rest/routes.hpp"

#include <algorithm>
#include <limits>

#include "gateway/message_fields.hpp"
#include "gateway/rest/message_access.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/message_json.hpp"

namespace chat::rest {

std::optional<std::string> message_id_in(const std::string* text, const http_responder& respond) {
  if (text == nullptr || text->empty() || text->size() > 64) {
    bad_request(respond, "messageId must be a message id");
    return std::nullopt;
  }
  return *text;
}

std::optional<std::string> message_id_of(const json& body, const http_responder& respond) {
  auto id = string_field(body, "messageId");
  return message_id_in(id ? &*id : nullptr, respond);
}

void answer_change(const ctx_ptr& ctx, message_change change, int ok_status,
                   const http_responder& respond) {
  change.at = now_ms();
  change_message(ctx, std::move(change),
                 [ctx, respond, ok_status](const change_outcome* outcome, const caf::error& err) {
                   if (outcome != nullptr)
                     after_message_change(ctx, *outcome);
                   if (outcome == nullptr)
                     respond(error_response(err));
                   else if (ok_status == 204)
                     respond(no_content());
                   else
                     respond(json_answer(ok_status, to_json(outcome->message)));
                 });
}

void send_body(const ctx_ptr& ctx, int64_t caller, const json& body,
               const http_responder& respond) {
  std::string error;
  std::string temp_id;
  auto draft = read_draft(body, caller, ctx->settings, error, temp_id);
  if (!draft) {
    bad_request(respond, error);
    return;
  }
  send_and_wait(ctx, std::move(*draft), [respond](const chat_message* msg, const caf::error& err) {
    respond(msg != nullptr ? json_answer(201, to_json(*msg)) : error_response(err));
  });
}

namespace {

const std::string* param(const route_params& params, const char* name) {
  auto i = params.find(name);
  return i == params.end() ? nullptr : &i->second;
}

void history(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  constexpr auto max_seq = std::numeric_limits<int64_t>::max();
  auto after = query_number(req, "afterSeq", 0, 0, max_seq);
  auto before = query_number(req, "beforeSeq", 0, 0, max_seq);
  auto limit = query_number(req, "limit", 50, 1, 200);
  if (!after || !before || !limit) {
    bad_request(respond, "afterSeq and beforeSeq: non-negative integers; limit: 1 to 200");
    return;
  }
  // Only beforeSeq: the newest page below it; otherwise the oldest page above afterSeq.
  history_query query{0, *after, *before, static_cast<int32_t>(*limit),
                      *before > 0 && req.query.count("afterSeq") == 0};
  as_member(
    ctx, req, params, respond,
    [ctx, respond, query](self_ptr self, int64_t caller, int64_t room_id, room_view& view) mutable {
      query.room_id = room_id;
      if (view.room.type == "DIRECT") {
        ask(
          self, ctx, respond, ctx->messages,
          [respond](history_page& page) { respond(json_answer(200, to_json(page))); },
          history_atom::value, query);
        return;
      }
      // In a GROUP room, the messages of users blocked either way are placeholders.
      ask(
        self, ctx, respond, ctx->users,
        [=](std::vector<int64_t>& hidden) {
          ask(
            self, ctx, respond, ctx->messages,
            [respond, hidden](history_page& page) {
              respond(json_answer(200, to_json(page, hidden)));
            },
            history_atom::value, query);
        },
        hidden_senders_atom::value, caller);
    });
}

/// GET /messages/{x}: the room history for a number, the message detail otherwise.
void history_or_detail(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto& key = params["roomId"];
  if (!key.empty() &&
      std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    history(std::move(ctx), std::move(req), std::move(params), std::move(respond));
    return;
  }
  auto caller = authenticate(ctx, req, respond);
  auto id = caller ? message_id_in(&key, respond) : std::nullopt;
  if (!id)
    return;
  as_reader(ctx, *caller, *id, respond,
            [respond](self_ptr, chat_message& msg) { respond(json_answer(200, to_json(msg))); });
}

/// POST /messages: like /app/chat, answered once SAVED (201 with the message) or FAILED.
void send(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto body = caller ? json_body(req, respond) : std::nullopt;
  if (!body)
    return;
  send_body(ctx, *caller, *body, respond);
}

void edit(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto id = caller ? message_id_in(param(params, "messageId"), respond) : std::nullopt;
  auto body = id ? json_body(req, respond) : std::nullopt;
  if (!body)
    return;
  auto content = string_field(*body, "content");
  auto max = ctx->settings.max_content_bytes;
  if (!content || content->empty() || content->size() > max) {
    bad_request(respond, "content must be a string of 1 to " + std::to_string(max) + " bytes");
    return;
  }
  answer_change(ctx, message_change{change_kind::edit, *id, *caller, *content, 0}, 200, respond);
}

void remove(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto id = caller ? message_id_in(param(params, "messageId"), respond) : std::nullopt;
  if (id)
    answer_change(ctx, message_change{change_kind::remove, *id, *caller, {}, 0}, 204, respond);
}

void mark_read(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto body = json_body(req, respond);
  if (!body)
    return;
  auto room = body->find("roomId");
  auto seq = body->find("seq");
  if (room == body->end() || !room->is_number_integer() || room->get<int64_t>() <= 0 ||
      (seq != body->end() && !seq->is_null() &&
       (!seq->is_number_integer() || seq->get<int64_t>() < 0))) {
    bad_request(respond, "mark-read needs {roomId, seq?}");
    return;
  }
  auto room_id = room->get<int64_t>();
  auto up_to = seq != body->end() && !seq->is_null() ? seq->get<int64_t>() : int64_t{-1};
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership,
      [=](room_view& view) {
        tell_room(self, ctx, room_id, read_atom::value, *caller, view.read_seq, view.unread_count);
        respond(no_content());
      },
      mark_read_atom::value, room_id, *caller, up_to);
  });
}

} // namespace

void add_message_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("GET", "/api/v1/messages/{roomId}", route_to(ctx, history_or_detail));
  routes.add("POST", "/api/v1/messages", route_to(ctx, send));
  routes.add("PUT", "/api/v1/messages/{messageId}", route_to(ctx, edit));
  routes.add("DELETE", "/api/v1/messages/{messageId}", route_to(ctx, remove));
  routes.add("POST", "/api/v1/messages/mark-read", route_to(ctx, mark_read));
}

} // namespace chat::rest
