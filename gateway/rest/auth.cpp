#include "gateway/rest/routes.hpp"

#include "gateway/rest/common.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "gateway/auth/refusal_log.hpp"
#include "protocol/codec/user_json.hpp"
#include "protocol/types/user.hpp"
#include "protocol/uuid.hpp"

namespace chat::rest {

namespace {

bool valid_username(const std::string& name) {
  return name.size() >= 3 && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
         });
}

json tokens_json(const ctx_ptr& ctx, const user& account, const issued_refresh& refresh) {
  return json{
    {"accessToken", ctx->tokens->issue(account, token_kind::access, now_seconds())},
    {"refreshToken", refresh.token},
    {"tokenType", "Bearer"},
    {"expiresIn", ctx->tokens->ttl(token_kind::access).count()},
    {"user", to_json(account)},
  };
}

void signup(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto body = json_body(req, respond);
  if (!body)
    return;
  auto username = string_field(*body, "username");
  auto password = string_field(*body, "password");
  auto nickname = string_field(*body, "nickname");
  if (!username || !valid_username(*username)) {
    bad_request(respond, "username: 3 to 32 characters of letters, digits, '_', '.', '-'");
    return;
  }
  if (!password || password->size() < 8 || password->size() > 128) {
    bad_request(respond, "password: 8 to 128 characters");
    return;
  }
  if (body->contains("nickname") && !body->at("nickname").is_null() &&
      (!nickname || nickname->empty() || nickname->size() > 64)) {
    bad_request(respond, "nickname: 1 to 64 characters");
    return;
  }
  auto nick = nickname && !nickname->empty() ? *nickname : *username;
  in_actor(*ctx->sys, [=](self_ptr self) {
    auto create = [=] {
      ask(
        self, ctx, respond, ctx->hasher,
        [=](std::string& hash) {
          ask(
            self, ctx, respond, ctx->users,
            [respond](user& created) { respond(json_answer(201, (to_json(created)))); },
            signup_atom::value, *username, nick, hash);
        },
        hash_atom::value, *password);
    };
    // A taken name is answered without paying for a hash (the store's unique name still
    // decides between two signups of the same free name).
    self->request(ctx->users, ctx->settings.request_timeout, login_atom::value, *username)
      .then(
        [respond, username](user_credentials&) {
          respond(chat::error_response(chat_errc::conflict, "username " + *username + " is taken"));
        },
        [=](caf::error& err) {
          if (code_of(err) == chat_errc::not_found)
            create();
          else
            respond(error_response(err));
        });
  });
}

void login(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto body = json_body(req, respond);
  if (!body)
    return;
  auto username = string_field(*body, "username");
  auto password = string_field(*body, "password");
  if (!username || !password || password->size() > 128) {
    bad_request(respond, "login needs {username, password}");
    return;
  }
  auto address = req.remote_host();
  auto now = std::chrono::steady_clock::now();
  if (auto wait = ctx->logins->wait(*username, address, now); wait > 0) {
    if (refusal_log_allowed())
      spdlog::info("login of '{}' from {} throttled for {} s", loggable(*username), address, wait);
    auto answer =
      chat::error_response(chat_errc::rate_limited,
                           "too many failed logins: try again in " + std::to_string(wait) + " s");
    answer.headers.emplace_back("Retry-After", std::to_string(wait));
    respond(std::move(answer));
    return;
  }
  // Never the password in a log line: only the name, the address and why.
  auto refuse = [ctx, respond, name = *username, address](const char* why) {
    ctx->logins->failed(name, address, std::chrono::steady_clock::now());
    if (refusal_log_allowed())
      spdlog::info("login of '{}' from {} refused: {}", loggable(name), address, why);
    respond(chat::error_response(chat_errc::unauthorized, "invalid username or password"));
  };
  in_actor(*ctx->sys, [=](self_ptr self) {
    self->request(ctx->users, ctx->settings.request_timeout, login_atom::value, *username)
      .then(
        [=](user_credentials& found) {
          ask(
            self, ctx, respond, ctx->hasher,
            [=](bool ok) {
              if (!ok) {
                refuse("wrong password");
                return;
              }
              // A login is a new family of refresh tokens, stored before it is handed out.
              auto family = make_uuid();
              auto refresh = ctx->tokens->issue_refresh(found.account, family, now_seconds());
              ask(
                self, ctx, respond, ctx->users,
                [=](bool) { respond(json_answer(200, tokens_json(ctx, found.account, refresh))); },
                refresh_start_atom::value, found.account.id, refresh.token_id, family,
                refresh.expires_at);
            },
            verify_atom::value, found.password_hash, *password);
        },
        [=](caf::error& err) {
          if (code_of(err) != chat_errc::not_found) {
            respond(error_response(err));
            return;
          }
          // An unknown name costs what a wrong password costs: names cannot be told by timing.
          ask(
            self, ctx, respond, ctx->hasher, [=](bool) { refuse("unknown username"); },
            verify_atom::value, std::string{}, *password);
        });
  });
}

/// The claims of the body's {refreshToken}, valid at `now` (0: whenever it expired); answers
/// 400 or 401 and gives nothing if there are none.
std::optional<token_claims> refresh_claims(const ctx_ptr& ctx, const http_request& req,
                                           const http_responder& respond, int64_t now,
                                           const char* action) {
  auto body = json_body(req, respond);
  if (!body)
    return std::nullopt;
  auto token = string_field(*body, "refreshToken");
  std::string why = std::string{action} + " needs {refreshToken}";
  auto claims = token ? ctx->tokens->verify(*token, token_kind::refresh, now, why) : std::nullopt;
  if (!claims)
    respond(chat::error_response(chat_errc::unauthorized, why));
  return claims;
}

void refresh(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto claims = refresh_claims(ctx, req, respond, now_seconds(), "refresh");
  if (!claims)
    return;
  if (claims->token_id.empty() || claims->family.empty()) {
    respond(
      chat::error_response(chat_errc::unauthorized, "refresh token of an older kind: log in"));
    return;
  }
  // The next token's id is stored by the rotation, then signed with the account's current name.
  auto next_id = make_uuid();
  auto expires_at = now_seconds() + ctx->tokens->ttl(token_kind::refresh).count();
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->users,
      [=](int64_t user_id) {
        ask(
          self, ctx, respond, ctx->users,
          [=](user& account) {
            auto refresh =
              ctx->tokens->issue_refresh(account, claims->family, now_seconds(), next_id);
            respond(json_answer(200, tokens_json(ctx, account, refresh)));
          },
          user_atom::value, user_id);
      },
      refresh_rotate_atom::value, claims->token_id, next_id, expires_at);
  });
}

void logout(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  // An expired refresh token still names its login: ending it is always allowed.
  auto claims = refresh_claims(ctx, req, respond, 0, "logout");
  if (!claims)
    return;
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->users, [respond](bool) { respond(no_content()); },
      refresh_end_atom::value, claims->token_id);
  });
}

} // namespace

void add_auth_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("POST", "/api/v1/auth/signup", route_to(ctx, signup));
  routes.add("POST", "/api/v1/auth/login", route_to(ctx, login));
  routes.add("POST", "/api/v1/auth/refresh", route_to(ctx, refresh));
  routes.add("POST", "/api/v1/auth/logout", route_to(ctx, logout));
}

} // namespace chat::rest
