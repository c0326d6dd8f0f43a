#include "gateway/http/http_server.hpp"
#include "protocol/errors.hpp"

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "gateway/http/beast_upgrade.hpp"
#include "gateway/web/origin_policy.hpp"
#include "protocol/log_throttle.hpp"
#include "protocol/metrics.hpp"

namespace chat {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

/// Shared by the listener and every session.
struct server_context {
  http_settings settings;
  http_handler handler;
  std::shared_ptr<websocket_acceptor> websockets;
  origin_policy upgrade_origins;
  /// Open connections (HTTP sessions and the WebSockets they became).
  std::atomic<size_t> open{0};
  size_t limit = 0;
};

/// One open connection, counted while it lives (an HTTP session, then its WebSocket).
struct connection_slot {
  explicit connection_slot(std::shared_ptr<server_context> owner) : ctx(std::move(owner)) {
    ++ctx->open;
  }
  ~connection_slot() { --ctx->open; }
  std::shared_ptr<server_context> ctx;
};

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

class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(tcp::socket&& socket, std::shared_ptr<server_context> ctx)
      : stream_(std::move(socket)), ctx_(std::move(ctx)),
        slot_(std::make_shared<connection_slot>(ctx_)) {
    // Over the limit, plain requests are still answered (health checks), one per connection.
    over_limit_ = ctx_->open.load() > ctx_->limit;
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec)
      remote_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  }

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_session::read, shared_from_this()));
  }

private:
  void read() {
    parser_.emplace();
    parser_->body_limit(ctx_->settings.max_body_bytes);
    parser_->header_limit(16 * 1024);
    // Over the limit a connection gets a short while to ask: idle ones must not hold the reserve.
    stream_.expires_after(over_limit_ ? caf::timespan{std::chrono::seconds(2)}
                                      : ctx_->settings.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset) {
      close();
      return;
    }
    if (ec == http::error::body_limit) {
      respond(error_response(chat_errc::too_large, "request body larger than " +
                                                     std::to_string(ctx_->settings.max_body_bytes) +
                                                     " bytes"),
              false);
      return;
    }
    if (ec) {
      respond(error_response(chat_errc::invalid_input, "malformed HTTP request: " + ec.message()),
              false);
      return;
    }
    auto req = parser_->release();
    ++metrics::instance().http_requests;
    if (beast::websocket::is_upgrade(req) && ctx_->websockets) {
      std::string target{req.target()};
      if (ctx_->websockets->accepts(target.substr(0, target.find('?')))) {
        // A page of another site must not open a session with its visitor's token.
        std::string origin{req[http::field::origin]};
        if (!ctx_->upgrade_origins.allows(origin, std::string{req[http::field::host]})) {
          ++metrics::instance().origins_refused;
          version_ = req.version();
          respond(error_response(chat_errc::forbidden,
                                 "origin " + origin.substr(0, 200) + " is not allowed"),
                  false);
          return;
        }
        if (over_limit_) {
          ++metrics::instance().connections_refused;
          if (over_limit_log_.allow())
            spdlog::warn("connection limit ({}) reached: WebSocket upgrades get 503{}", ctx_->limit,
                         over_limit_log_.suppressed_note());
          version_ = req.version();
          respond(error_response(chat_errc::unavailable,
                                 "the node is at its connection limit; try again later"),
                  false);
          return;
        }
        stream_.expires_never();
        ctx_->websockets->accept(
          websocket_upgrade{std::move(stream_), std::move(req), remote_, std::move(slot_)});
        return;
      }
    }
    bool malformed = false;
    auto request = to_request(req, remote_, malformed);
    keep_alive_ = req.keep_alive() && !over_limit_;
    version_ = req.version();
    if (malformed) {
      respond(error_response(chat_errc::invalid_input, "malformed URL encoding"), false);
      return;
    }
    auto self = shared_from_this();
    ctx_->handler(std::move(request), [self](http_response response) {
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->respond(std::move(response), self->keep_alive_);
      });
    });
  }

  void respond(http_response response, bool keep_alive) {
    if (response.streamed) {
      respond_streamed(std::move(response), keep_alive);
      return;
    }
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(response.status));
    res->set(http::field::server, "chatd");
    res->set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers)
      res->set(name, value);
    res->keep_alive(keep_alive);
    res->body() = std::move(response.body);
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec || res->need_eof())
                          self->close();
                        else
                          self->read();
                      });
  }

  /// The head now, the body in chunks as the handler's stream gets them.
  void respond_streamed(http_response response, bool keep_alive) {
    struct head {
      http::response<http::empty_body> message;
      http::response_serializer<http::empty_body> serializer{message};
    };
    auto out = std::make_shared<head>();
    out->message.version(version_);
    out->message.result(static_cast<unsigned>(response.status));
    out->message.set(http::field::server, "chatd");
    out->message.set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers)
      out->message.set(name, value);
    out->message.keep_alive(keep_alive);
    out->message.chunked(true);
    stream_.expires_after(ctx_->settings.idle_timeout);
    http::async_write_header(
      stream_, out->serializer,
      [self = shared_from_this(), out, keep_alive,
       streamed = std::move(response.streamed)](beast::error_code ec, size_t) {
        if (ec) {
          self->close();
          return;
        }
        auto writer = std::make_shared<chunk_writer>(self, keep_alive);
        writer->watch();
        streamed(writer);
      });
  }

  /// The response_stream of a streamed answer: every step runs on the session's strand.
  class chunk_writer : public response_stream, public std::enable_shared_from_this<chunk_writer> {
  public:
    chunk_writer(std::shared_ptr<http_session> session, bool keep_alive)
        : session_(std::move(session)), keep_alive_(keep_alive) {
      // nop
    }

    bool write(std::string chunk) override {
      if (ended_)
        return false;
      net::post(session_->stream_.get_executor(),
                [self = shared_from_this(), chunk = std::move(chunk)]() mutable {
                  if (self->gone_ || self->finishing_)
                    return;
                  self->queue_.push_back(std::move(chunk));
                  self->write_next();
                });
      return true;
    }

    void finish() override {
      if (ended_.exchange(true))
        return;
      net::post(session_->stream_.get_executor(), [self = shared_from_this()] {
        self->finishing_ = true;
        self->write_next();
      });
    }

    void on_gone(std::function<void()> fn) override {
      net::post(session_->stream_.get_executor(),
                [self = shared_from_this(), fn = std::move(fn)]() mutable {
                  if (self->gone_)
                    fn();
                  else
                    self->gone_fn_ = std::move(fn);
                });
    }

    /// Notices a client that goes away while nothing is written: it sends nothing more on
    /// this connection until the response ends, so anything readable means it closed.
    void watch() {
      session_->stream_.socket().async_wait(
        tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
          if (ec != net::error::operation_aborted && !self->done_)
            self->lost();
        });
    }

  private:
    void write_next() {
      if (writing_ || gone_ || done_)
        return;
      if (queue_.empty()) {
        if (finishing_)
          write_last();
        return;
      }
      writing_ = true;
      auto& stream = session_->stream_;
      stream.expires_after(session_->ctx_->settings.idle_timeout);
      net::async_write(stream, http::make_chunk(net::buffer(queue_.front())),
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         self->writing_ = false;
                         self->queue_.pop_front();
                         if (ec)
                           self->lost();
                         else
                           self->write_next();
                       });
    }

    void write_last() {
      done_ = true;
      net::async_write(session_->stream_, http::make_chunk_last(),
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         beast::error_code ignored;
                         // Ends the watch before the connection reads its next request.
                         self->session_->stream_.socket().cancel(ignored);
                         if (ec || !self->keep_alive_)
                           self->session_->close();
                         else
                           self->session_->read();
                       });
    }

    void lost() {
      if (gone_)
        return;
      gone_ = true;
      ended_ = true;
      queue_.clear();
      session_->close();
      if (gone_fn_)
        std::exchange(gone_fn_, nullptr)();
    }

    std::shared_ptr<http_session> session_;
    bool keep_alive_;
    std::atomic<bool> ended_{false};
    std::deque<std::string> queue_;
    std::function<void()> gone_fn_;
    bool writing_ = false;
    bool finishing_ = false;
    bool done_ = false;
    bool gone_ = false;
  };

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<server_context> ctx_;
  std::string remote_;
  std::shared_ptr<connection_slot> slot_;
  bool over_limit_ = false;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  static inline log_throttle over_limit_log_;
};

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
        std::make_shared<http_session>(std::move(socket), ctx)->start();
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

uint16_t http_server::port() const {
  return impl_->bound_port;
}

size_t http_server::connection_limit() const {
  return impl_->ctx->limit;
}

} // namespace chat
