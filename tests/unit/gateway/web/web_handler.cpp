#define CAF_SUITE web_handler

#include "gateway/web/web_handler.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include <caf/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "gateway/http/router.hpp"
#include "gateway/rest/rest_api.hpp"
#include "gateway/stomp/destinations.hpp"
#include "gateway/web/origin_policy.hpp"
#include "gateway/web/static_site.hpp"
#include "gateway/web/web_settings.hpp"

using namespace chat;
namespace fs = std::filesystem;

namespace {

/// A web root with an index, a hashed asset and a folder with its own index.
struct site_folder {
  fs::path root = fs::temp_directory_path() / ("chat-web-unit-" + std::to_string(::getpid()));

  site_folder() {
    fs::create_directories(root / "assets");
    fs::create_directories(root / "swagger-ui");
    write("index.html", "<!doctype html><title>chat</title>");
    write("assets/app-3F2K9QZ1.js", "console.log(1)");
    write("favicon.svg", "<svg/>");
    write("swagger-ui/index.html", "<!doctype html><title>api</title>");
  }
  ~site_folder() { fs::remove_all(root); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream{root / name} << text;
  }
};

/// Calls `handler` synchronously (every answer here is immediate) and returns its answer.
http_response call(const http_handler& handler, std::string method, std::string path,
                   std::map<std::string, std::string> headers = {}) {
  http_request request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.headers = std::move(headers);
  std::optional<http_response> answer;
  handler(std::move(request), [&](http_response response) { answer = std::move(response); });
  CAF_REQUIRE(answer.has_value());
  return *answer;
}

std::string header(const http_response& response, const std::string& name) {
  for (auto& [key, value] : response.headers)
    if (key == name)
      return value;
  return {};
}

/// An API that answers 200 "api" to everything.
http_handler fake_api() {
  return [](http_request, http_responder respond) { respond(json_response(200, "\"api\"")); };
}

} // namespace

CAF_TEST(origins : same site and no origin pass; others only when configured) {
  origin_policy none;
  CAF_CHECK(none.allows("", "localhost:8100"));
  CAF_CHECK(none.allows("http://localhost:8100", "localhost:8100"));
  CAF_CHECK(none.allows("https://localhost:8100", "localhost:8100"));
  CAF_CHECK(!none.allows("http://localhost:8101", "localhost:8100"));
  CAF_CHECK(!none.allows("http://evil.example", "localhost:8100"));
  CAF_CHECK(!none.allows("null", "localhost:8100"));
  CAF_CHECK(!none.allows("http://localhost:8100.evil.example", "localhost:8100"));
  origin_policy some{{"https://chat.example.com"}};
  CAF_CHECK(some.allows("https://chat.example.com", "localhost:8100"));
  CAF_CHECK(!some.allows("http://chat.example.com", "localhost:8100"));
  origin_policy any{{"*"}};
  CAF_CHECK(any.allows("http://evil.example", "localhost:8100"));
}

CAF_TEST(settings split and check the origin list) {
  web_settings settings;
  settings.allowed_origins = " https://a.example , http://b.example:8080/ ,";
  CAF_CHECK_EQUAL(settings.origin_list(),
                  (std::vector<std::string>{"https://a.example", "http://b.example:8080"}));
  CAF_CHECK_EQUAL(settings.check(), "");
  settings.allowed_origins = "a.example";
  CAF_CHECK_NOT_EQUAL(settings.check(), "");
}

CAF_TEST(the site serves its files with cache headers and folders with their index) {
  site_folder folder;
  static_site site{folder.root.string()};
  CAF_CHECK_EQUAL(site.size(), 4u);
  auto* index = site.find("/");
  CAF_REQUIRE(index != nullptr);
  CAF_CHECK_EQUAL(index->content_type, "text/html; charset=utf-8");
  CAF_CHECK_EQUAL(header(*index, "Cache-Control"), "no-cache");
  auto* asset = site.find("/assets/app-3F2K9QZ1.js");
  CAF_REQUIRE(asset != nullptr);
  CAF_CHECK_EQUAL(asset->body, "console.log(1)");
  CAF_CHECK_EQUAL(header(*asset, "Cache-Control"), "public, max-age=31536000, immutable");
  CAF_CHECK_EQUAL(header(*site.find("/favicon.svg"), "Cache-Control"), "no-cache");
  CAF_CHECK(site.find("/swagger-ui/") != nullptr);
  CAF_CHECK(site.is_folder("/swagger-ui"));
  CAF_CHECK(site.find("/../index.html") == nullptr);
  CAF_CHECK(site.find("/assets/../index.html") == nullptr);
  CAF_CHECK(site.find("/nothing.js") == nullptr);
  static_site missing{(folder.root / "absent").string()};
  CAF_CHECK_EQUAL(missing.size(), 0u);
}

CAF_TEST(the handler serves pages with their policy and passes the rest to the API) {
  site_folder folder;
  web_settings settings;
  settings.root = folder.root.string();
  settings.allowed_origins = "https://friend.example";
  auto handler = make_web_handler(settings, fake_api());
  auto page = call(handler, "GET", "/", {{"host", "localhost:8100"}});
  CAF_CHECK_EQUAL(page.status, 200);
  CAF_CHECK(header(page, "Content-Security-Policy").find("default-src 'self'") == 0);
  CAF_CHECK_EQUAL(header(page, "X-Content-Type-Options"), "nosniff");
  CAF_CHECK_EQUAL(header(page, "X-Frame-Options"), "DENY");
  auto moved = call(handler, "GET", "/swagger-ui");
  CAF_CHECK_EQUAL(moved.status, 301);
  CAF_CHECK_EQUAL(header(moved, "Location"), "/swagger-ui/");
  auto api = call(handler, "GET", "/api/v1/users/me", {{"host", "localhost:8100"}});
  CAF_CHECK_EQUAL(api.body, "\"api\"");
  CAF_CHECK_EQUAL(header(api, "Cache-Control"), "no-store");
  CAF_CHECK_EQUAL(header(api, "Access-Control-Allow-Origin"), "");
  // A POST to a path that is also a file goes to the API.
  CAF_CHECK_EQUAL(call(handler, "POST", "/favicon.svg").body, "\"api\"");
}

CAF_TEST(the handler refuses foreign origins and answers CORS for configured ones) {
  site_folder folder;
  web_settings settings;
  settings.root = folder.root.string();
  settings.allowed_origins = "https://friend.example";
  auto handler = make_web_handler(settings, fake_api());
  auto foreign = call(handler, "GET", "/api/v1/users/me",
                      {{"host", "localhost:8100"}, {"origin", "https://evil.example"}});
  CAF_CHECK_EQUAL(foreign.status, 403);
  CAF_CHECK(nlohmann::json::parse(foreign.body)["code"] == "FORBIDDEN");
  auto foreign_preflight = call(handler, "OPTIONS", "/api/v1/users/me",
                                {{"host", "localhost:8100"},
                                 {"origin", "https://evil.example"},
                                 {"access-control-request-method", "GET"}});
  CAF_CHECK_EQUAL(foreign_preflight.status, 403);
  auto preflight = call(handler, "OPTIONS", "/api/v1/users/me",
                        {{"host", "localhost:8100"},
                         {"origin", "https://friend.example"},
                         {"access-control-request-method", "GET"}});
  CAF_CHECK_EQUAL(preflight.status, 204);
  CAF_CHECK_EQUAL(header(preflight, "Access-Control-Allow-Origin"), "https://friend.example");
  CAF_CHECK(header(preflight, "Access-Control-Allow-Headers").find("Authorization") !=
            std::string::npos);
  auto allowed = call(handler, "GET", "/api/v1/users/me",
                      {{"host", "localhost:8100"}, {"origin", "https://friend.example"}});
  CAF_CHECK_EQUAL(allowed.status, 200);
  CAF_CHECK_EQUAL(header(allowed, "Access-Control-Allow-Origin"), "https://friend.example");
  CAF_CHECK_EQUAL(header(allowed, "Vary"), "Origin");
}

CAF_TEST(the OpenAPI document lists exactly the routes of the router) {
  auto document = nlohmann::json::parse(openapi_document());
  CAF_CHECK_EQUAL(document["openapi"], "3.1.0");
  // Placeholder names may differ ({roomId} and {messageId} share a path).
  auto normalized = [](std::string path) {
    std::string result;
    bool inside = false;
    for (char c : path) {
      if (c == '{')
        inside = true, result += "{}";
      else if (c == '}')
        inside = false;
      else if (!inside)
        result += c;
    }
    return result;
  };
  std::set<std::string> documented;
  for (auto& [path, operations] : document["paths"].items())
    for (auto& [method, operation] : operations.items()) {
      CAF_CHECK(operation.contains("responses"));
      std::string upper = method;
      for (auto& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + normalized(path));
    }
  std::set<std::string> routed;
  for (auto& [method, pattern] : make_rest_router(std::make_shared<gateway_context>())->list())
    routed.insert(method + " " + normalized(pattern));
  std::string undocumented, unrouted;
  for (auto& route : routed)
    if (documented.count(route) == 0)
      undocumented += route + "; ";
  for (auto& route : documented)
    if (routed.count(route) == 0)
      unrouted += route + "; ";
  CAF_CHECK_EQUAL(undocumented, ""); // add them to gateway/web/openapi.json
  CAF_CHECK_EQUAL(unrouted, "");
  CAF_CHECK_GREATER(routed.size(), 60u);
}

CAF_TEST(the OpenAPI document lists every STOMP destination of the table) {
  auto document = nlohmann::json::parse(openapi_document());
  std::set<std::string> documented;
  for (auto& entry : document.at("x-stomp-destinations")) {
    CAF_CHECK(entry.contains("description"));
    documented.insert(entry.at("destination").get<std::string>());
  }
  std::set<std::string> table;
  for (auto name : destination_names())
    table.insert(std::string{name});
  CAF_CHECK_EQUAL(documented, table); // add them to gateway/web/openapi.json
  CAF_CHECK_GREATER(table.size(), 10u);
}
