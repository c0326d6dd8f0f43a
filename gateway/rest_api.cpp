#include "gateway/rest_api.hpp"

#include <algorithm>
#include <charconv>
#include <memory>

#include <caf/sec.hpp>
#include <nlohmann/json.hpp>

#include "gateway/actor_bridge.hpp"
#include "gateway/router.hpp"
#include "protocol/errors.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/metrics.hpp"

namespace chat {

using json = nlohmann::json;

namespace {

using ctx_ptr = std::shared_ptr<gateway_context>;
using self_ptr = caf::event_based_actor*;

std::string dump(const json& x) {
  return x.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// The HTTP form of a chat error: never a 500 for bad input.
http_response error_response(const caf::error& err) {
  auto code = code_of(err);
  int status = 500;
  switch (code) {
  case chat_errc::invalid_input:
    status = 400;
    break;
  case chat_errc::unauthorized:
    status = 401;
    break;
  case chat_errc::not_member:
    status = 403;
    break;
  case chat_errc::not_found:
    status = 404;
    break;
  case chat_errc::conflict:
    status = 409;
    break;
  case chat_errc::rate_limited:
    status = 429;
    break;
  case chat_errc::unavailable:
  case chat_errc::store_failed:
  case chat_errc::store_in_doubt:
  case chat_errc::worker_crashed:
  case chat_errc::fault_injected:
  case chat_errc::room_stopped:
    status = 503;
    break;
  default:
    break;
  }
  if (err == caf::sec::request_timeout)
    status = 503;
  auto message = context_of(err);
  if (message.empty() || status == 503 || status == 500)
    message = describe(err);
  return json_error(status, wire_code(code == chat_errc::internal ? chat_errc::internal : code),
                    message);
}

/// Runs a request from a one-shot actor; failures answer with their HTTP error.
template <class Handle, class OnOk, class... Ts>
void ask(self_ptr self, const ctx_ptr& ctx, const http_responder& respond, const Handle& target,
         OnOk on_ok, Ts... xs) {
  self->request(target, ctx->settings.request_timeout, xs...)
    .then(std::move(on_ok), [respond](caf::error& err) { respond(error_response(err)); });
}

/// The caller's id from "Authorization: Bearer <access token>".
std::optional<int64_t> authenticate(const ctx_ptr& ctx, const http_request& req,
                                    const http_responder& respond) {
  auto& header = req.header("authorization");
  constexpr std::string_view bearer = "Bearer ";
  if (header.compare(0, bearer.size(), bearer) != 0) {
    respond(json_error(401, "UNAUTHORIZED", "missing bearer token"));
    return std::nullopt;
  }
  std::string why;
  auto claims = ctx->tokens->verify(std::string_view{header}.substr(bearer.size()),
                                    token_kind::access, now_seconds(), why);
  if (!claims) {
    respond(json_error(401, "UNAUTHORIZED", why));
    return std::nullopt;
  }
  return claims->user_id;
}

std::optional<json> json_body(const http_request& req, const http_responder& respond) {
  auto body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    respond(json_error(400, "BAD_REQUEST", "the body must be a JSON object"));
    return std::nullopt;
  }
  return body;
}

std::optional<int64_t> positive_id(const std::string& text) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || value <= 0)
    return std::nullopt;
  return value;
}

/// A query or path number: absent -> fallback; malformed or out of [low, high] -> nullopt.
std::optional<int64_t> number(const http_request& req, const char* name, int64_t fallback,
                              int64_t low, int64_t high) {
  auto i = req.query.find(name);
  if (i == req.query.end())
    return fallback;
  int64_t value = 0;
  auto& text = i->second;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || value < low || value > high)
    return std::nullopt;
  return value;
}

bool valid_username(const std::string& name) {
  return name.size() >= 3 && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
         });
}

std::optional<std::string> string_field(const json& body, const char* name) {
  auto i = body.find(name);
  if (i == body.end() || !i->is_string())
    return std::nullopt;
  return i->get<std::string>();
}

std::optional<std::vector<int64_t>> id_list(const json& body, const char* name, size_t max) {
  auto i = body.find(name);
  if (i == body.end() || i->is_null())
    return std::vector<int64_t>{};
  if (!i->is_array() || i->size() > max)
    return std::nullopt;
  std::vector<int64_t> result;
  for (auto& x : *i) {
    if (!x.is_number_integer() || x.get<int64_t>() <= 0)
      return std::nullopt;
    result.push_back(x.get<int64_t>());
  }
  return result;
}

json tokens_json(const ctx_ptr& ctx, const user& account) {
  auto now = now_seconds();
  return json{
    {"accessToken", ctx->tokens->issue(account, token_kind::access, now)},
    {"refreshToken", ctx->tokens->issue(account, token_kind::refresh, now)},
    {"tokenType", "Bearer"},
    {"expiresIn", ctx->tokens->ttl(token_kind::access).count()},
    {"user", to_json(account)},
  };
}

/// Tells a room's actor (wherever it runs) that something about it changed.
template <class... Ts>
void tell_room(self_ptr self, const ctx_ptr& ctx, int64_t room_id, Ts... xs) {
  self->request(ctx->directory, ctx->settings.request_timeout, get_atom::value, room_id)
    .then([self, xs...](room_actor& room) { self->send(room, xs...); }, [](caf::error&) {});
}

/// Has the room reload its members, then runs `then` (also when the room cannot be reached:
/// it reloads them anyway when it activates).
void reload_members(self_ptr self, const ctx_ptr& ctx, int64_t room_id,
                    std::function<void()> then) {
  auto timeout = ctx->settings.request_timeout;
  self->request(ctx->directory, timeout, get_atom::value, room_id)
    .then(
      [self, timeout, then](room_actor& room) {
        self->request(room, timeout, members_atom::value)
          .then([then](bool) { then(); }, [then](caf::error&) { then(); });
      },
      [then](caf::error&) { then(); });
}

// -- handlers ---------------------------------------------------------------------------------

void signup(ctx_ptr ctx, http_request req, http_responder respond) {
  auto body = json_body(req, respond);
  if (!body)
    return;
  auto username = string_field(*body, "username");
  auto password = string_field(*body, "password");
  auto nickname = string_field(*body, "nickname");
  if (!username || !valid_username(*username)) {
    respond(json_error(400, "BAD_REQUEST",
                       "username: 3 to 32 characters of letters, digits, '_', '.', '-'"));
    return;
  }
  if (!password || password->size() < 8 || password->size() > 128) {
    respond(json_error(400, "BAD_REQUEST", "password: 8 to 128 characters"));
    return;
  }
  if (body->contains("nickname") && !body->at("nickname").is_null() &&
      (!nickname || nickname->empty() || nickname->size() > 64)) {
    respond(json_error(400, "BAD_REQUEST", "nickname: 1 to 64 characters"));
    return;
  }
  auto nick = nickname && !nickname->empty() ? *nickname : *username;
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->hasher,
      [=](std::string& hash) {
        ask(
          self, ctx, respond, ctx->users,
          [respond](user& created) { respond(json_response(201, dump(to_json(created)))); },
          signup_atom::value, *username, nick, hash);
      },
      hash_atom::value, *password);
  });
}

void login(ctx_ptr ctx, http_request req, http_responder respond) {
  auto body = json_body(req, respond);
  if (!body)
    return;
  auto username = string_field(*body, "username");
  auto password = string_field(*body, "password");
  if (!username || !password || password->size() > 128) {
    respond(json_error(400, "BAD_REQUEST", "login needs {username, password}"));
    return;
  }
  auto refuse = [respond] {
    respond(json_error(401, "UNAUTHORIZED", "invalid username or password"));
  };
  in_actor(*ctx->sys, [=](self_ptr self) {
    self->request(ctx->users, ctx->settings.request_timeout, login_atom::value, *username)
      .then(
        [=](user_credentials& found) {
          ask(
            self, ctx, respond, ctx->hasher,
            [=](bool ok) {
              if (!ok)
                refuse();
              else
                respond(json_response(200, dump(tokens_json(ctx, found.account))));
            },
            verify_atom::value, found.password_hash, *password);
        },
        [=](caf::error& err) {
          if (code_of(err) == chat_errc::not_found)
            refuse();
          else
            respond(error_response(err));
        });
  });
}

void refresh(ctx_ptr ctx, http_request req, http_responder respond) {
  auto body = json_body(req, respond);
  if (!body)
    return;
  auto token = string_field(*body, "refreshToken");
  std::string why = "refresh needs {refreshToken}";
  auto claims =
    token ? ctx->tokens->verify(*token, token_kind::refresh, now_seconds(), why) : std::nullopt;
  if (!claims) {
    respond(json_error(401, "UNAUTHORIZED", why));
    return;
  }
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->users,
      [=](user& account) { respond(json_response(200, dump(tokens_json(ctx, account)))); },
      get_atom::value, claims->user_id);
  });
}

void me(ctx_ptr ctx, http_request req, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->users,
      [respond](user& account) { respond(json_response(200, dump(to_json(account)))); },
      get_atom::value, *caller);
  });
}

/// GET /api/v1/notifications?limit=: the caller's mentions, newest first (kept by
/// chat-streamer).
void notifications(ctx_ptr ctx, http_request req, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto limit = number(req, "limit", 50, 1, 200);
  if (!limit) {
    respond(json_error(400, "BAD_REQUEST", "limit: 1 to 200"));
    return;
  }
  if (!ctx->notifications) {
    respond(json_error(503, "UNAVAILABLE", "notifications need streamer.dsn (chat-streamer)"));
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
      list_atom::value, *caller, static_cast<int32_t>(*limit));
  });
}

/// GET /api/v1/cluster: the members as this node sees them, and how many rooms each hosts
/// (operational, like /metrics: no token).
void cluster_view(ctx_ptr ctx, http_request, http_responder respond) {
  if (!ctx->cluster) {
    respond(json_error(503, "UNAVAILABLE", "no cluster directory"));
    return;
  }
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->cluster,
      [ctx, respond](std::vector<member_view>& members) {
        json list = json::array();
        for (auto& m : members)
          list.push_back(json{{"id", m.node.id},
                              {"host", m.node.host},
                              {"httpPort", m.node.http_port},
                              {"clusterPort", m.node.cluster_port},
                              {"state", m.state},
                              {"rooms", m.rooms},
                              {"heartbeatAgeMs", m.heartbeat_age_ms}});
        respond(json_response(200, dump(json{{"node", ctx->node_id}, {"members", list}})));
      },
      cluster_atom::value);
  });
}

void create_room(ctx_ptr ctx, http_request req, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto body = json_body(req, respond);
  if (!body)
    return;
  auto title = string_field(*body, "title");
  auto type = string_field(*body, "type");
  auto participants = id_list(*body, "participantIds", 1000);
  if (!title || title->empty() || title->size() > 100) {
    respond(json_error(400, "BAD_REQUEST", "title: 1 to 100 characters"));
    return;
  }
  if (!type || (*type != "GROUP" && *type != "DIRECT")) {
    respond(json_error(400, "BAD_REQUEST", "type: GROUP or DIRECT"));
    return;
  }
  if (!participants) {
    respond(json_error(400, "BAD_REQUEST", "participantIds: an array of user ids"));
    return;
  }
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->rooms,
      [respond](room_view& view) { respond(json_response(201, dump(to_json(view)))); },
      create_atom::value, *title, *type, *caller, *participants);
  });
}

void list_rooms(ctx_ptr ctx, http_request req, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->rooms,
      [respond](std::vector<room_view>& rooms) {
        json result = json::array();
        for (auto& view : rooms)
          result.push_back(to_json(view));
        respond(json_response(200, dump(result)));
      },
      list_atom::value, *caller);
  });
}

/// Runs `then(view)` when the caller is a member of the room of the {roomId} path parameter.
template <class Then>
void as_member(ctx_ptr ctx, http_request req, route_params params, http_responder respond,
               Then then) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto room_id = positive_id(params["roomId"]);
  if (!room_id) {
    respond(json_error(400, "BAD_REQUEST", "roomId must be a positive integer"));
    return;
  }
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->rooms,
      [=](room_view& view) mutable { then(self, *caller, *room_id, view); }, get_atom::value,
      *room_id, *caller);
  });
}

void get_room(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  as_member(ctx, std::move(req), std::move(params), respond,
            [respond](self_ptr, int64_t, int64_t, room_view& view) {
              respond(json_response(200, dump(to_json(view))));
            });
}

void add_participants(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto body = json_body(req, respond);
  if (!body)
    return;
  auto users = id_list(*body, "userIds", 1000);
  if (!users || users->empty()) {
    respond(json_error(400, "BAD_REQUEST", "userIds: a non-empty array of user ids"));
    return;
  }
  as_member(
    ctx, std::move(req), std::move(params), respond,
    [ctx, respond, users](self_ptr self, int64_t caller, int64_t room_id, room_view&) {
      ask(
        self, ctx, respond, ctx->rooms,
        [=](bool) {
          // The new members can send as soon as they have the answer.
          reload_members(self, ctx, room_id, [=] {
            ask(
              self, ctx, respond, ctx->rooms,
              [respond](room_view& view) { respond(json_response(200, dump(to_json(view)))); },
              get_atom::value, room_id, caller);
          });
        },
        join_atom::value, room_id, *users);
    });
}

void remove_participant(ctx_ptr ctx, http_request req, route_params params,
                        http_responder respond) {
  auto user_id = positive_id(params["userId"]);
  if (!user_id) {
    respond(json_error(400, "BAD_REQUEST", "userId must be a positive integer"));
    return;
  }
  as_member(ctx, std::move(req), std::move(params), respond,
            [ctx, respond, user_id](self_ptr self, int64_t, int64_t room_id, room_view&) {
              ask(
                self, ctx, respond, ctx->rooms,
                [=](bool removed) {
                  if (!removed) {
                    respond(json_error(404, "NOT_FOUND", "no such participant"));
                    return;
                  }
                  reload_members(self, ctx, room_id, [respond] {
                    respond(http_response{204, "application/json", {}, {}});
                  });
                },
                leave_atom::value, room_id, *user_id);
            });
}

void history(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  constexpr auto max_seq = std::numeric_limits<int64_t>::max();
  auto after = number(req, "afterSeq", 0, 0, max_seq);
  auto before = number(req, "beforeSeq", 0, 0, max_seq);
  auto limit = number(req, "limit", 50, 1, 200);
  if (!after || !before || !limit) {
    respond(json_error(400, "BAD_REQUEST",
                       "afterSeq and beforeSeq: non-negative integers; limit: 1 to 200"));
    return;
  }
  // Only beforeSeq: the newest page below it; otherwise the oldest page above afterSeq.
  history_query query{0, *after, *before, static_cast<int32_t>(*limit),
                      *before > 0 && req.query.count("afterSeq") == 0};
  as_member(ctx, std::move(req), std::move(params), respond,
            [ctx, respond, query](self_ptr self, int64_t, int64_t room_id, room_view&) mutable {
              query.room_id = room_id;
              ask(
                self, ctx, respond, ctx->messages,
                [respond](history_page& page) {
                  json messages = json::array();
                  for (auto& msg : page.messages)
                    messages.push_back(to_json(msg));
                  respond(json_response(200, dump(json{{"messages", std::move(messages)},
                                                       {"hasMore", page.has_more}})));
                },
                history_atom::value, query);
            });
}

void mark_read(ctx_ptr ctx, http_request req, http_responder respond) {
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
    respond(json_error(400, "BAD_REQUEST", "mark-read needs {roomId, seq?}"));
    return;
  }
  auto room_id = room->get<int64_t>();
  auto up_to = seq != body->end() && !seq->is_null() ? seq->get<int64_t>() : int64_t{-1};
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->rooms,
      [=](room_view& view) {
        tell_room(self, ctx, room_id, read_atom::value, *caller,
                  view.room.last_seq - view.unread_count);
        respond(http_response{204, "application/json", {}, {}});
      },
      read_atom::value, room_id, *caller, up_to);
  });
}

constexpr auto health_timeout = std::chrono::seconds(3);

/// GET /healthz: 200 when both databases answer, 503 otherwise.
void health(const ctx_ptr& ctx, http_responder respond) {
  in_actor(*ctx->sys, [ctx, respond](self_ptr self) {
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::steady_clock::now() - ctx->started)
                    .count();
    auto answer = [ctx, respond, uptime](std::string failing) {
      json body{{"status", failing.empty() ? "ok" : "unavailable"},
                {"node", ctx->node_id},
                {"uptimeSeconds", uptime},
                {"activeRooms", metrics::instance().rooms_active.load()},
                {"connections", metrics::instance().connections_open.load()}};
      if (!failing.empty())
        body["failing"] = failing;
      respond(json_response(failing.empty() ? 200 : 503, body.dump()));
    };
    self->request(ctx->messages, health_timeout, ping_atom::value)
      .then(
        [self, ctx, answer](bool) {
          self->request(ctx->rooms, health_timeout, ping_atom::value)
            .then([answer](bool) { answer({}); },
                  [answer](caf::error& err) { answer("rooms store: " + describe(err)); });
        },
        [answer](caf::error& err) { answer("messages store: " + describe(err)); });
  });
}

/// GET /metrics: Prometheus text format.
void prometheus(const ctx_ptr& ctx, http_responder respond) {
  in_actor(*ctx->sys, [ctx, respond](self_ptr self) {
    auto render = [respond] {
      http_response response;
      response.content_type = "text/plain; version=0.0.4";
      response.body = metrics::instance().render_prometheus();
      respond(std::move(response));
    };
    self->request(ctx->rooms, health_timeout, stats_atom::value)
      .then(
        [render](const outbox_stats& stats) {
          metrics::instance().outbox_backlog = stats.backlog;
          render();
        },
        [render](caf::error&) { render(); });
  });
}

} // namespace

http_handler make_rest_api(std::shared_ptr<gateway_context> ctx, admin_context admin) {
  auto routes = std::make_shared<router>();
  auto plain = [ctx](void (*fn)(ctx_ptr, http_request, http_responder)) {
    return [ctx, fn](http_request req, route_params, http_responder respond) {
      fn(ctx, std::move(req), std::move(respond));
    };
  };
  auto with_params = [ctx](void (*fn)(ctx_ptr, http_request, route_params, http_responder)) {
    return [ctx, fn](http_request req, route_params params, http_responder respond) {
      fn(ctx, std::move(req), std::move(params), std::move(respond));
    };
  };
  routes->add("GET", "/healthz",
              [ctx](http_request, route_params, http_responder respond) { health(ctx, respond); });
  routes->add("GET", "/metrics", [ctx](http_request, route_params, http_responder respond) {
    prometheus(ctx, respond);
  });
  routes->add("POST", "/api/v1/auth/signup", plain(signup));
  routes->add("POST", "/api/v1/auth/login", plain(login));
  routes->add("POST", "/api/v1/auth/refresh", plain(refresh));
  routes->add("GET", "/api/v1/users/me", plain(me));
  routes->add("GET", "/api/v1/notifications", plain(notifications));
  routes->add("GET", "/api/v1/cluster", plain(cluster_view));
  routes->add("POST", "/api/v1/chatrooms", plain(create_room));
  routes->add("GET", "/api/v1/chatrooms", plain(list_rooms));
  routes->add("GET", "/api/v1/chatrooms/{roomId}", with_params(get_room));
  routes->add("POST", "/api/v1/chatrooms/{roomId}/participants", with_params(add_participants));
  routes->add("DELETE", "/api/v1/chatrooms/{roomId}/participants/{userId}",
              with_params(remove_participant));
  routes->add("GET", "/api/v1/messages/{roomId}", with_params(history));
  routes->add("POST", "/api/v1/messages/mark-read", plain(mark_read));
  add_admin_routes(*routes, admin);
  return [routes](http_request request, http_responder respond) {
    routes->dispatch(std::move(request), std::move(respond));
  };
}

} // namespace chat
