#include "gateway/sockjs/sockjs_endpoint.hpp"

#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <nlohmann/json.hpp>

#include "gateway/gateway_context.hpp"
#include "gateway/sockjs/http_transport.hpp"
#include "gateway/sockjs/sockjs_framing.hpp"
#include "gateway/stomp/session.hpp"
#include "gateway/web/origin_policy.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/saga.hpp"
#include "protocol/types/streamer.hpp"

namespace chat {

namespace {

using sockjs::http_transport;
using clock_type = std::chrono::steady_clock;

/// The sessions on HTTP transports, and the thread that keeps their time (heartbeats, expiry).
class session_registry {
public:
  session_registry(std::shared_ptr<gateway_context> ctx, sockjs_settings settings)
      : ctx_(std::move(ctx)), settings_(std::move(settings)) {
    auto tick = std::min(settings_.heartbeat, settings_.disconnect_delay) / 5;
    tick_ = std::clamp<caf::timespan>(tick, std::chrono::milliseconds(20), std::chrono::seconds(1));
    clock_ = std::thread{[this] { keep_time(); }};
  }

  ~session_registry() {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      stopped_ = true;
    }
    wake_.notify_all();
    clock_.join();
    for (auto& [id, session] : sessions_)
      session->expire();
    metrics::instance().sockjs_http_sessions_open = 0;
  }

  const sockjs_settings& settings() const { return settings_; }

  /// The session `id` when it was opened from `remote_host`.
  std::shared_ptr<http_transport> find(const std::string& id, const std::string& remote_host) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = sessions_.find(id);
    if (i == sessions_.end() || i->second->remote_host() != remote_host)
      return nullptr;
    return i->second;
  }

  struct opened {
    std::shared_ptr<http_transport> session;
    bool created = false;
    /// Why there is no session: the id is another address's (404) or the registry is full.
    chat_errc refused = chat_errc::none;
  };

  /// The session `id`, opened now with its connection actor unless it exists.
  opened open(const std::string& id, const http_request& request, const std::string& url_token) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto host = request.remote_host();
    auto& remote = request.remote_address;
    if (auto i = sessions_.find(id); i != sessions_.end()) {
      if (i->second->remote_host() != host)
        return {nullptr, false, chat_errc::not_found};
      return {i->second};
    }
    if (sessions_.size() >= settings_.max_sessions)
      return {nullptr, false, chat_errc::unavailable};
    auto session = std::make_shared<http_transport>(
      host, settings_, ctx_->settings.max_outbound_frames, clock_type::now());
    session->bind(ctx_->sys->spawn(connection, ctx_, std::shared_ptr<outbound_channel>{session},
                                   url_token, remote));
    sessions_.emplace(id, session);
    metrics::instance().sockjs_http_sessions_open = static_cast<int64_t>(sessions_.size());
    return {session, true};
  }

private:
  void keep_time() {
    std::unique_lock<std::mutex> guard{mtx_};
    while (!stopped_) {
      wake_.wait_for(guard, tick_);
      if (stopped_)
        break;
      std::vector<std::pair<std::string, std::shared_ptr<http_transport>>> all{sessions_.begin(),
                                                                               sessions_.end()};
      guard.unlock();
      std::vector<std::string> over;
      auto now = clock_type::now();
      for (auto& [id, session] : all)
        if (!session->sweep(now))
          over.push_back(id);
      guard.lock();
      for (auto& id : over)
        sessions_.erase(id);
      if (!over.empty())
        metrics::instance().sockjs_http_sessions_open = static_cast<int64_t>(sessions_.size());
    }
  }

  std::shared_ptr<gateway_context> ctx_;
  const sockjs_settings settings_;
  caf::timespan tick_;
  std::mutex mtx_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::unordered_map<std::string, std::shared_ptr<http_transport>> sessions_;
  std::thread clock_;
};

constexpr const char* no_cache = "no-store, no-cache, no-transform, must-revalidate, max-age=0";

http_response text(int status, std::string body) {
  http_response response;
  response.status = status;
  response.content_type = "text/plain; charset=UTF-8";
  response.body = std::move(body);
  return response;
}

/// What every SockJS answer carries: no caching, and credentials for allowed other origins
/// (sockjs-client sends its XHRs with credentials).
void add_sockjs_headers(http_response& response, const std::string& origin,
                        const std::string& host) {
  response.headers.emplace_back("Cache-Control", no_cache);
  if (origin_policy::cross_origin(origin, host))
    response.headers.emplace_back("Access-Control-Allow-Credentials", "true");
}

http_response options(const char* methods) {
  auto response = text(204, "");
  response.headers.emplace_back("Access-Control-Allow-Methods", methods);
  response.headers.emplace_back("Access-Control-Max-Age", "31536000");
  return response;
}

http_response info() {
  static thread_local std::mt19937 random{std::random_device{}()};
  nlohmann::json body{{"websocket", true},
                      {"origins", nlohmann::json::array({"*:*"})},
                      {"cookie_needed", false},
                      {"entropy", std::uniform_int_distribution<uint32_t>{}(random)}};
  return json_response(200, body.dump());
}

void count_session(const std::string& transport) {
  auto& stats = metrics::instance();
  if (transport == "xhr")
    ++stats.sockjs_xhr_sessions;
  else if (transport == "xhr_streaming")
    ++stats.sockjs_xhr_streaming_sessions;
  else
    ++stats.sockjs_eventsource_sessions;
}

/// One request on a transport URL.
void serve_transport(session_registry& registry, const sockjs::transport_path& where,
                     http_request request, http_responder respond) {
  auto& transport = where.transport;
  auto& method = request.method;
  auto answer = [&request, &respond](http_response response) {
    add_sockjs_headers(response, request.header("origin"), request.header("host"));
    respond(std::move(response));
  };
  if (transport == "websocket") {
    answer(text(400, "Can \"Upgrade\" only to \"WebSocket\".\n"));
    return;
  }
  bool receiving = transport == "xhr" || transport == "xhr_streaming";
  if (method == "OPTIONS" && (receiving || transport == "xhr_send")) {
    answer(options("OPTIONS, POST"));
    return;
  }
  if (transport == "xhr_send") {
    if (method != "POST") {
      answer(error_response(chat_errc::method_not_allowed, "xhr_send takes POST"));
      return;
    }
    auto session = registry.find(where.session, request.remote_host());
    if (!session) {
      answer(text(404, "no such session\n"));
      return;
    }
    if (request.body.empty()) {
      answer(text(400, "Payload expected.\n"));
      return;
    }
    auto messages = sockjs::decode_messages(request.body);
    if (!messages) {
      answer(text(400, "Broken JSON encoding.\n"));
      return;
    }
    answer(session->deliver(std::move(*messages)) ? text(204, "") : text(404, "no such session\n"));
    return;
  }
  bool events = transport == "eventsource";
  if (!receiving && !events) {
    answer(text(404, "unknown SockJS transport\n"));
    return;
  }
  if (method != (events ? "GET" : "POST")) {
    answer(error_response(chat_errc::method_not_allowed,
                          transport + (events ? " takes GET" : " takes POST")));
    return;
  }
  auto token = request.query.count("token") ? request.query["token"] : std::string{};
  auto [session, created, refused] = registry.open(where.session, request, token);
  if (refused == chat_errc::not_found) {
    answer(text(404, "no such session\n"));
    return;
  }
  if (!session) {
    answer(error_response(chat_errc::unavailable, "no SockJS session can be opened now"));
    return;
  }
  if (created)
    count_session(transport);
  if (transport == "xhr") {
    session->poll(
      [respond, origin = request.header("origin"),
       host = request.header("host")](http_response response) {
        add_sockjs_headers(response, origin, host);
        respond(std::move(response));
      },
      clock_type::now());
    return;
  }
  http_response response;
  response.content_type =
    events ? "text/event-stream; charset=UTF-8" : "application/javascript; charset=UTF-8";
  response.streamed = [session, events](std::shared_ptr<response_stream> out) {
    session->stream(std::move(out),
                    events ? sockjs::stream_style::events : sockjs::stream_style::lines,
                    clock_type::now());
  };
  answer(std::move(response));
}

} // namespace

http_handler make_sockjs_handler(std::shared_ptr<gateway_context> ctx, sockjs_settings settings,
                                 std::string prefix, http_handler next) {
  if (!settings.enabled)
    return next;
  auto registry = std::make_shared<session_registry>(std::move(ctx), std::move(settings));
  return [registry, prefix = std::move(prefix), next = std::move(next)](http_request request,
                                                                        http_responder respond) {
    auto& path = request.path;
    if (path.compare(0, prefix.size(), prefix) != 0 ||
        (path.size() > prefix.size() && path[prefix.size()] != '/')) {
      next(std::move(request), std::move(respond));
      return;
    }
    auto rest = path.substr(prefix.size());
    http_response response;
    if (rest.empty() || rest == "/") {
      response = text(200, "Welcome to SockJS!\n");
    } else if (rest == "/info") {
      response = request.method == "OPTIONS" ? options("OPTIONS, GET") : info();
    } else if (auto where = sockjs::parse_transport_path(rest)) {
      serve_transport(*registry, *where, std::move(request), std::move(respond));
      return;
    } else {
      response = text(404, "not a SockJS URL\n");
    }
    add_sockjs_headers(response, request.header("origin"), request.header("host"));
    respond(std::move(response));
  };
}

} // namespace chat
