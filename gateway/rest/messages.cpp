#include "gateway/rest/routes.hpp"

#include "gateway/rest/common.hpp"

#include <limits>

#include "protocol/codec/message_json.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/room.hpp"

namespace chat::rest {

namespace {

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
  as_member(ctx, req, params, respond,
            [ctx, respond, query](self_ptr self, int64_t, int64_t room_id, room_view&) mutable {
              query.room_id = room_id;
              ask(
                self, ctx, respond, ctx->messages,
                [respond](history_page& page) {
                  json messages = json::array();
                  for (auto& msg : page.messages)
                    messages.push_back(to_json(msg));
                  respond(json_answer(
                    200, (json{{"messages", std::move(messages)}, {"hasMore", page.has_more}})));
                },
                history_atom::value, query);
            });
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
  routes.add("GET", "/api/v1/messages/{roomId}", route_to(ctx, history));
  routes.add("POST", "/api/v1/messages/mark-read", route_to(ctx, mark_read));
}

} // namespace chat::rest
