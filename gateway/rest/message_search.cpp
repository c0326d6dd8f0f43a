// /api/v1/messages/search and the bookmarks: PostgreSQL's full-text search over the caller's
// rooms; a user's bookmarks, searchable, filtered by room.
#include "gateway/rest/routes.hpp"

#include <limits>
#include <map>

#include "gateway/rest/message_access.hpp"
#include "protocol/codec/message_json.hpp"

namespace chat::rest {

namespace {

constexpr size_t max_query_bytes = 200;

json message_list(const std::vector<chat_message>& messages) {
  json answer = json::array();
  for (auto& msg : messages)
    answer.push_back(to_json(msg));
  return answer;
}

/// The words of `q` (1 to 200 bytes), "" when absent; nullopt (answered 400) when too long.
std::optional<std::string> words_of(const http_request& req, bool required,
                                    const http_responder& respond) {
  auto i = req.query.find("q");
  std::string words = i == req.query.end() ? std::string{} : i->second;
  if (words.size() > max_query_bytes || (required && words.empty())) {
    bad_request(respond, "q must be 1 to " + std::to_string(max_query_bytes) + " bytes of words");
    return std::nullopt;
  }
  return words;
}

/// GET /messages/search?q&roomId&limit: newest first, in the caller's rooms (or the one).
void search(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto words = caller ? words_of(req, true, respond) : std::nullopt;
  if (!words)
    return;
  auto room_id = query_number(req, "roomId", 0, 1, std::numeric_limits<int64_t>::max());
  auto limit = query_number(req, "limit", 20, 1, 100);
  if (!room_id || !limit) {
    bad_request(respond, "roomId: a positive integer; limit: 1 to 100");
    return;
  }
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership,
      [=](std::vector<room_view>& rooms) {
        search_query query{{}, *words, static_cast<int32_t>(*limit), {}};
        for (auto& view : rooms)
          if (*room_id == 0 || view.room.id == *room_id)
            query.room_ids.push_back(view.room.id);
        if (*room_id != 0 && query.room_ids.empty()) {
          respond(chat::error_response(chat_errc::not_member, "not a member of this room"));
          return;
        }
        ask(
          self, ctx, respond, ctx->messages,
          [respond](std::vector<chat_message>& found) {
            respond(json_answer(200, message_list(found)));
          },
          search_atom::value, std::move(query));
      },
      rooms_of_atom::value, *caller);
  });
}

/// POST /messages/bookmark {messageId}: 200 {messageId, bookmarked: true}.
void add_bookmark(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto body = caller ? json_body(req, respond) : std::nullopt;
  if (!body)
    return;
  auto id = message_id_of(*body, respond);
  if (!id)
    return;
  as_reader(ctx, *caller, *id, respond, [ctx, respond, caller](self_ptr self, chat_message& msg) {
    ask(
      self, ctx, respond, ctx->membership,
      [respond, id = msg.id](bool) {
        respond(json_answer(200, json{{"messageId", id}, {"bookmarked", true}}));
      },
      bookmark_atom::value, *caller, msg.id, msg.room_id, true);
  });
}

/// DELETE /messages/bookmark/{messageId}: 204, also when it was none.
void remove_bookmark(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto i = params.find("messageId");
  auto id =
    caller ? message_id_in(i == params.end() ? nullptr : &i->second, respond) : std::nullopt;
  if (!id)
    return;
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership, [respond](bool) { respond(no_content()); },
      bookmark_atom::value, *caller, *id, int64_t{0}, false);
  });
}

/// GET /messages/bookmarks?q&roomId: the bookmarked messages, newest bookmark first.
void bookmarks(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto words = caller ? words_of(req, false, respond) : std::nullopt;
  if (!words)
    return;
  auto room_id = query_number(req, "roomId", 0, 1, std::numeric_limits<int64_t>::max());
  if (!room_id) {
    bad_request(respond, "roomId must be a positive integer");
    return;
  }
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership,
      [=](std::vector<bookmark>& list) {
        std::vector<std::string> ids;
        std::vector<int64_t> rooms;
        for (auto& b : list) {
          ids.push_back(b.message_id);
          rooms.push_back(b.room_id);
        }
        // Answered in bookmark order, whatever order the store found them in.
        auto in_bookmark_order = [respond, ids](std::vector<chat_message>& found) {
          std::map<std::string, const chat_message*> by_id;
          for (auto& msg : found)
            by_id.emplace(msg.id, &msg);
          json answer = json::array();
          for (auto& id : ids)
            if (auto m = by_id.find(id); m != by_id.end())
              answer.push_back(to_json(*m->second));
          respond(json_answer(200, answer));
        };
        if (words->empty() || ids.empty()) {
          ask(self, ctx, respond, ctx->messages, in_bookmark_order, messages_atom::value, ids);
          return;
        }
        search_query query{rooms, *words, 100, ids};
        ask(self, ctx, respond, ctx->messages, in_bookmark_order, search_atom::value,
            std::move(query));
      },
      bookmarks_atom::value, *caller, *room_id);
  });
}

} // namespace

void add_search_and_bookmark_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("GET", "/api/v1/messages/search", route_to(ctx, search));
  routes.add("POST", "/api/v1/messages/bookmark", route_to(ctx, add_bookmark));
  routes.add("DELETE", "/api/v1/messages/bookmark/{messageId}", route_to(ctx, remove_bookmark));
  routes.add("GET", "/api/v1/messages/bookmarks", route_to(ctx, bookmarks));
}

} // namespace chat::rest
