#include "gateway/http/http_server.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <openssl/ssl.h>

#include "gateway/http/http_session.hpp"

namespace chat {

namespace http_internal {

http_request to_request(const http::request<http::string_body>& req, const std::string& remote,
                        bool& malformed) {
  http_request result;
  result.method = std::string{req.method_string()};
  malformed = !split_target(std::string{req.target()}, result.path, result.query);
  for (const auto& field : req) {
    std::string name{field.name_string()};
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string{field.value()};
  }
  result.body = req.body();
  result.remote_address = remote;
  return result;
}

} // namespace http_internal

using namespace http_internal;

namespace {

/// A server context with the certificate chain and key of the settings, TLS 1.2 and newer.
net::ssl::context load_tls(const http_settings& settings) {
  net::ssl::context tls{net::ssl::context::tls_server};
  tls.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                  net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  beast::error_code ec;
  tls.use_certificate_chain_file(settings.tls_cert, ec);
  if (ec)
    throw std::runtime_error("http.tls-cert '" + settings.tls_cert + "': " + ec.message());
  tls.use_private_key_file(settings.tls_key, net::ssl::context::pem, ec);
  if (ec)
    throw std::runtime_error("http.tls-key '" + settings.tls_key + "': " + ec.message());
  if (SSL_CTX_check_private_key(tls.native_handle()) != 1)
    throw std::runtime_error("http.tls-key is not the key of http.tls-cert");
  return tls;
}

} // namespace

struct http_server::impl {
  std::shared_ptr<server_context> ctx;
  net::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};
  uint16_t bound_port = 0;

  std::optional<net::steady_timer> backoff_timer;
  std::chrono::milliseconds backoff{0};
  log_throttle accept_log;

  void accept() {
    acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (stopped || ec == net::error::operation_aborted)
        return;
      if (ec) {
        // Out of descriptors (or another failure that would repeat at once): wait, doubling up
        // to a second, instead of spinning on accept and the log.
        if (accept_log.allow())
          spdlog::warn("http: accept failed: {}{}", ec.message(), accept_log.suppressed_note());
        backoff =
          std::clamp(backoff * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
        backoff_timer->expires_after(backoff);
        backoff_timer->async_wait([this](beast::error_code) {
          if (!stopped)
            accept();
        });
        return;
      }
      backoff = std::chrono::milliseconds{0};
      if (ctx->open.load() >= ctx->limit + ctx->settings.reserved_descriptors / 2) {
        // Far over the limit: nothing can be answered without eating the reserve.
        ++metrics::instance().connections_refused;
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        // Small frames go out at once: without it, a STOMP frame after a small write waits for
        // the peer's delayed ACK (~40 ms on Linux).
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        if (ctx->tls)
          std::make_shared<http_session<tls_stream>>(
            tls_stream{plain_stream{std::move(socket)}, *ctx->tls}, ctx)
            ->start();
        else
          std::make_shared<http_session<plain_stream>>(plain_stream{std::move(socket)}, ctx)
            ->start();
      }
      accept();
    });
  }
};

http_server::http_server(http_settings settings, http_handler handler,
                         std::shared_ptr<websocket_acceptor> websockets)
    : impl_(std::make_unique<impl>()) {
  auto origins = origin_policy{settings.allowed_origins};
  impl_->ctx = std::make_shared<server_context>();
  impl_->ctx->settings = std::move(settings);
  impl_->ctx->handler = std::move(handler);
  impl_->ctx->websockets = std::move(websockets);
  impl_->ctx->upgrade_origins = std::move(origins);
}

http_server::~http_server() {
  stop();
}

void http_server::start() {
  auto& st = *impl_;
  if (!st.ctx->settings.tls_cert.empty())
    st.ctx->tls = load_tls(st.ctx->settings);
  beast::error_code ec;
  auto address = net::ip::make_address(st.ctx->settings.address, ec);
  if (ec)
    throw std::runtime_error("http.address '" + st.ctx->settings.address +
                             "' is not an IP address");
  tcp::endpoint endpoint{address, st.ctx->settings.port};
  st.acceptor.emplace(st.ioc);
  st.acceptor->open(endpoint.protocol(), ec);
  if (!ec)
    st.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    st.acceptor->bind(endpoint, ec);
  if (!ec)
    st.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + st.ctx->settings.address + ":" +
                             std::to_string(st.ctx->settings.port) + ": " + ec.message());
  st.bound_port = st.acceptor->local_endpoint().port();
  st.ctx->limit = st.ctx->settings.max_connections;
  if (st.ctx->limit == 0) {
    rlimit descriptors{};
    getrlimit(RLIMIT_NOFILE, &descriptors);
    auto reserve = st.ctx->settings.reserved_descriptors;
    st.ctx->limit = descriptors.rlim_cur > reserve * 2 ? descriptors.rlim_cur - reserve : reserve;
  }
  st.backoff_timer.emplace(st.ioc);
  st.accept();
  auto count = std::max<size_t>(1, st.ctx->settings.threads);
  for (size_t i = 0; i < count; ++i)
    st.threads.emplace_back([this] { impl_->ioc.run(); });
}

void http_server::stop() {
  auto& st = *impl_;
  if (st.stopped.exchange(true))
    return;
  if (st.acceptor) {
    net::post(st.ioc, [this] {
      beast::error_code ec;
      impl_->acceptor->close(ec);
    });
  }
  if (st.ctx->websockets)
    st.ctx->websockets->close_all();
  // Give sessions a moment to flush their close frames, then stop the loop.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  st.ioc.stop();
  for (auto& thread : st.threads)
    if (thread.joinable())
      thread.join();
  st.threads.clear();
}

std::string http_server::check_tls(const http_settings& settings) {
  if (settings.tls_cert.empty())
    return {};
  try {
    load_tls(settings);
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

uint16_t http_server::port() const {
  return impl_->bound_port;
}

size_t http_server::connection_limit() const {
  return impl_->ctx->limit;
}

} // namespace chat
