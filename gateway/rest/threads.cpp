// /api/v1/messages/thread and /threads: a thread's replies, replying, a room's threads.
#include "gateway/rest/routes.hpp"

#include "gateway/message_fields.hpp"
#include "gateway/rest/message_access.hpp"
#include "protocol/codec/message_json.hpp"

namespace chat::rest {

namespace {

const std::string* query_text(const http_request& req, const char* name) {
  auto i = req.query.find(name);
  return i == req.query.end() ? nullptr : &i->second;
}

/// GET /messages/thread?parentMessageId&afterSeq&limit: {parent, messages, hasMore}.
void thread_page(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto parent_id =
    caller ? message_id_in(query_text(req, "parentMessageId"), respond) : std::nullopt;
  if (!parent_id)
    return;
  auto after = query_number(req, "afterSeq", 0, 0, std::numeric_limits<int64_t>::max());
  auto limit = query_number(req, "limit", 50, 1, 200);
  if (!after || !limit) {
    bad_request(respond, "afterSeq: a non-negative integer; limit: 1 to 200");
    return;
  }
  thread_query query{*parent_id, *after, static_cast<int32_t>(*limit)};
  as_reader(ctx, *caller, *parent_id, respond,
            [ctx, respond, query](self_ptr self, chat_message& parent) {
              ask(
                self, ctx, respond, ctx->messages,
                [respond, parent](history_page& page) {
                  auto answer = to_json(page);
                  answer["parent"] = to_json(parent);
                  respond(json_answer(200, answer));
                },
                thread_atom::value, query);
            });
}

/// POST /messages/thread {roomId, parentMessageId, content, tempId}: a reply, once SAVED.
void reply(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto body = caller ? json_body(req, respond) : std::nullopt;
  if (!body)
    return;
  auto parent = string_field(*body, "parentMessageId");
  if (!message_id_in(parent ? &*parent : nullptr, respond))
    return;
  (*body)["threadId"] = *parent;
  send_body(ctx, *caller, *body, respond);
}

/// GET /messages/threads?roomId&limit: the room's threads, latest reply first.
void threads(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto room_id = query_number(req, "roomId", 0, 1, std::numeric_limits<int64_t>::max());
  auto limit = query_number(req, "limit", 20, 1, 100);
  if (!room_id || *room_id == 0 || !limit) {
    bad_request(respond, "threads need roomId (a positive integer) and limit 1 to 100");
    return;
  }
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership,
      [=](room_view&) {
        ask(
          self, ctx, respond, ctx->messages,
          [respond](std::vector<thread_summary>& list) {
            json answer = json::array();
            for (auto& summary : list)
              answer.push_back(to_json(summary));
            respond(json_answer(200, answer));
          },
          threads_atom::value, *room_id, std::string{}, static_cast<int32_t>(*limit));
      },
      view_atom::value, *room_id, *caller);
  });
}

} // namespace

void add_thread_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("GET", "/api/v1/messages/thread", route_to(ctx, thread_page));
  routes.add("POST", "/api/v1/messages/thread", route_to(ctx, reply));
  routes.add("GET", "/api/v1/messages/threads", route_to(ctx, threads));
}

} // namespace chat::rest
