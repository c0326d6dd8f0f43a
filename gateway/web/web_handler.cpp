#include "gateway/web/web_handler.hpp"

#include <memory>

#include "gateway/http/router.hpp"
#include "gateway/web/origin_policy.hpp"
#include "gateway/web/static_site.hpp"
#include "gateway/web/web_settings.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"

namespace chat {

namespace {

// The client and Swagger UI load nothing from elsewhere at run time; previews show images of
// any site; Swagger UI styles itself inline.
constexpr const char* content_security_policy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
  "img-src 'self' data: http: https:; font-src 'self' data:; connect-src 'self'; "
  "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

struct web_state {
  origin_policy origins;
  std::shared_ptr<static_site> site;
  http_handler api;
};

void add_common_headers(http_response& response, const std::string& origin,
                        const std::string& host) {
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (origin_policy::cross_origin(origin, host)) {
    response.headers.emplace_back("Access-Control-Allow-Origin", origin);
    response.headers.emplace_back("Vary", "Origin");
  }
}

http_response preflight(const http_request& request) {
  http_response response;
  response.status = 204;
  response.content_type = "text/plain";
  response.headers = {{"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE"},
                      {"Access-Control-Allow-Headers", "Authorization, Content-Type"},
                      {"Access-Control-Max-Age", "600"}};
  add_common_headers(response, request.header("origin"), request.header("host"));
  return response;
}

} // namespace

http_handler make_web_handler(const web_settings& settings, http_handler api) {
  auto state = std::make_shared<web_state>();
  state->origins = origin_policy{settings.origin_list()};
  if (settings.enabled)
    state->site = std::make_shared<static_site>(settings.root_folder());
  state->api = std::move(api);
  return [state](http_request request, http_responder respond) {
    auto& origin = request.header("origin");
    if (!state->origins.allows(origin, request.header("host"))) {
      ++metrics::instance().origins_refused;
      auto refused =
        error_response(chat_errc::forbidden, "origin " + origin.substr(0, 200) +
                                               " is not allowed ([web] allowed-origins)");
      refused.headers.emplace_back("Vary", "Origin");
      respond(std::move(refused));
      return;
    }
    if (request.method == "OPTIONS" && !request.header("access-control-request-method").empty()) {
      respond(preflight(request));
      return;
    }
    if (state->site && request.method == "GET") {
      if (auto* file = state->site->find(request.path)) {
        auto response = *file;
        if (response.content_type.rfind("text/html", 0) == 0) {
          response.headers.emplace_back("Content-Security-Policy", content_security_policy);
          response.headers.emplace_back("X-Frame-Options", "DENY");
          response.headers.emplace_back("Referrer-Policy", "no-referrer");
        }
        add_common_headers(response, origin, request.header("host"));
        respond(std::move(response));
        return;
      }
      if (state->site->is_folder(request.path)) {
        http_response moved;
        moved.status = 301;
        moved.content_type = "text/plain";
        moved.headers.emplace_back("Location", request.path + "/");
        respond(std::move(moved));
        return;
      }
    }
    // Answers of the API are never cached: tokens, and data that changes with every message.
    bool api_path = request.path.rfind("/api/", 0) == 0;
    // Copied before the request moves on (`origin` refers into it).
    auto answer = [respond = std::move(respond), api_path, origin = std::string{origin},
                   host = request.header("host")](http_response response) {
      if (api_path)
        response.headers.emplace_back("Cache-Control", "no-store");
      add_common_headers(response, origin, host);
      respond(std::move(response));
    };
    state->api(std::move(request), std::move(answer));
  };
}

void add_openapi_routes(router& routes) {
  routes.add("GET", "/api/v1/openapi.json", [](http_request, route_params, http_responder respond) {
    respond(json_response(200, openapi_document()));
  });
}

} // namespace chat
