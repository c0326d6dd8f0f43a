#include "gateway/rest/common.hpp"

#include <spdlog/spdlog.h>

#include "gateway/auth/refusal_log.hpp"

#include "protocol/clock.hpp"
#include "protocol/codec/room_json.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/room_admin.hpp"

namespace chat::rest {

router::handler route_to(const ctx_ptr& ctx, handler_fn fn) {
  return [ctx, fn](http_request req, route_params params, http_responder respond) {
    fn(ctx, std::move(req), std::move(params), std::move(respond));
  };
}

http_response error_response(const caf::error& err) {
  auto code = code_of(err);
  auto message = context_of(err);
  if (message.empty() || http_status_of(code) >= 500)
    message = describe(err);
  return chat::error_response(code, message);
}

void bad_request(const http_responder& respond, const std::string& message) {
  respond(chat::error_response(chat_errc::invalid_input, message));
}

http_response json_answer(int status, const json& body) {
  return json_response(status, dump(body));
}

http_response no_content() {
  return http_response{204, "application/json", {}, {}};
}

std::optional<int64_t> authenticate(const ctx_ptr& ctx, const http_request& req,
                                    const http_responder& respond) {
  auto token = bearer_token(req.header("authorization"), true);
  if (!token) {
    respond(chat::error_response(chat_errc::unauthorized, "missing bearer token"));
    return std::nullopt;
  }
  std::string why;
  auto claims = ctx->tokens->verify(*token, token_kind::access, now_seconds(), why);
  if (!claims) {
    if (refusal_log_allowed())
      spdlog::info("token refused for {} {} from {}: {}", req.method, loggable(req.path),
                   req.remote_host(), why);
    respond(chat::error_response(chat_errc::unauthorized, why));
    return std::nullopt;
  }
  return claims->user_id;
}

std::optional<std::pair<int64_t, json>> caller_and_body(const ctx_ptr& ctx, const http_request& req,
                                                        const http_responder& respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return std::nullopt;
  auto body = json_body(req, respond);
  if (!body)
    return std::nullopt;
  return std::pair{*caller, std::move(*body)};
}

std::optional<room_request> room_request_of(const ctx_ptr& ctx, const http_request& req,
                                            const route_params& params,
                                            const http_responder& respond, bool with_body) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return std::nullopt;
  auto room_id = path_id(params, "roomId", respond);
  if (!room_id)
    return std::nullopt;
  room_request result{*caller, *room_id, {}};
  if (with_body) {
    auto body = json_body(req, respond);
    if (!body)
      return std::nullopt;
    result.body = std::move(*body);
  }
  return result;
}

std::optional<json> json_body(const http_request& req, const http_responder& respond) {
  auto body = parse_object(req.body);
  if (!body)
    bad_request(respond, "the body must be a JSON object");
  return body;
}

std::optional<int64_t> path_id(const route_params& params, const char* name,
                               const http_responder& respond) {
  auto i = params.find(name);
  auto id = i == params.end() ? std::nullopt : parse_id(i->second);
  if (!id)
    bad_request(respond, std::string{name} + " must be a positive integer");
  return id;
}

std::optional<int64_t> query_number(const http_request& req, const char* name, int64_t fallback,
                                    int64_t low, int64_t high) {
  auto i = req.query.find(name);
  if (i == req.query.end())
    return fallback;
  auto value = parse_seq(i->second);
  if (!value && i->second.size() > 1 && i->second[0] == '-')
    if (auto negative = parse_seq(std::string_view{i->second}.substr(1)))
      value = -*negative;
  if (!value || *value < low || *value > high)
    return std::nullopt;
  return value;
}

size_t characters(std::string_view text) {
  size_t count = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80)
      ++count;
  return count;
}

bool read_text(const json& body, const char* name, size_t min, size_t max, bool& present,
               std::string& out, const http_responder& respond) {
  present = body.contains(name) && !body[name].is_null();
  if (!present)
    return true;
  if (!body[name].is_string()) {
    bad_request(respond, std::string{name} + ": a string");
    return false;
  }
  out = body[name].get<std::string>();
  auto n = characters(out);
  if (n < min || n > max) {
    bad_request(respond, std::string{name} + ": " + std::to_string(min) + " to " +
                           std::to_string(max) + " characters");
    return false;
  }
  return true;
}

} // namespace chat::rest
