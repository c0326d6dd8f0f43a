// Internal to http_server.cpp: one HTTP connection, plain or TLS (the Stream), from its first
// request to its answers, streamed ones included, or its hand-over to the WebSocket side.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "gateway/http/beast_upgrade.hpp"
#include "gateway/http/http_server.hpp"
#include "gateway/web/origin_policy.hpp"
#include "protocol/errors.hpp"
#include "protocol/log_throttle.hpp"
#include "protocol/metrics.hpp"

namespace chat::http_internal {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// Shared by the listener and every session.
struct server_context {
  http_settings settings;
  http_handler handler;
  std::shared_ptr<websocket_acceptor> websockets;
  origin_policy upgrade_origins;
  /// Set when the port speaks TLS.
  std::optional<net::ssl::context> tls;
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
                        bool& malformed);

/// Logged at most every few seconds: a port scanner or a client without the certificate must not
/// fill the log.
inline log_throttle tls_handshake_log;

template <class Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
public:
  http_session(Stream&& stream, std::shared_ptr<server_context> ctx)
      : stream_(std::move(stream)), ctx_(std::move(ctx)),
        slot_(std::make_shared<connection_slot>(ctx_)) {
    // Over the limit, plain requests are still answered (health checks), one per connection.
    over_limit_ = ctx_->open.load() > ctx_->limit;
    beast::error_code ec;
    auto endpoint = socket().remote_endpoint(ec);
    if (!ec)
      remote_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  }

  void start() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (std::is_same_v<Stream, tls_stream>)
        self->handshake();
      else
        self->read();
    });
  }

private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  tcp::socket& socket() { return lowest().socket(); }

  void handshake() {
    lowest().expires_after(std::chrono::seconds(10));
    stream_.async_handshake(net::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (!ec) {
                                self->read();
                                return;
                              }
                              ++metrics::instance().tls_handshakes_failed;
                              if (tls_handshake_log.allow())
                                spdlog::info("tls: handshake with {} failed: {}{}", self->remote_,
                                             ec.message(), tls_handshake_log.suppressed_note());
                              self->close();
                            });
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(ctx_->settings.max_body_bytes);
    parser_->header_limit(16 * 1024);
    // Over the limit a connection gets a short while to ask: idle ones must not hold the reserve.
    lowest().expires_after(over_limit_ ? caf::timespan{std::chrono::seconds(2)}
                                       : ctx_->settings.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::ssl::error::stream_truncated) {
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
        upgrade(std::move(req));
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
    auto self = this->shared_from_this();
    ctx_->handler(std::move(request), [self](http_response response) {
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->respond(std::move(response), self->keep_alive_);
      });
    });
  }

  void upgrade(http::request<http::string_body>&& req) {
    // A page of another site must not open a session with its visitor's token.
    std::string origin{req[http::field::origin]};
    if (!ctx_->upgrade_origins.allows(origin, std::string{req[http::field::host]})) {
      ++metrics::instance().origins_refused;
      version_ = req.version();
      respond(
        error_response(chat_errc::forbidden, "origin " + origin.substr(0, 200) + " is not allowed"),
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
    lowest().expires_never();
    ctx_->websockets->accept(
      websocket_upgrade{std::move(stream_), std::move(req), remote_, std::move(slot_)});
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
                      [self = this->shared_from_this(), res](beast::error_code ec, size_t) {
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
    lowest().expires_after(ctx_->settings.idle_timeout);
    http::async_write_header(
      stream_, out->serializer,
      [self = this->shared_from_this(), out, keep_alive,
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
                [self = this->shared_from_this(), chunk = std::move(chunk)]() mutable {
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
      net::post(session_->stream_.get_executor(), [self = this->shared_from_this()] {
        self->finishing_ = true;
        self->write_next();
      });
    }

    void on_gone(std::function<void()> fn) override {
      net::post(session_->stream_.get_executor(),
                [self = this->shared_from_this(), fn = std::move(fn)]() mutable {
                  if (self->gone_)
                    fn();
                  else
                    self->gone_fn_ = std::move(fn);
                });
    }

    /// Notices a client that goes away while nothing is written: it sends nothing more on
    /// this connection until the response ends, so anything readable means it closed.
    void watch() {
      session_->socket().async_wait(tcp::socket::wait_read,
                                    [self = this->shared_from_this()](beast::error_code ec) {
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
      session_->lowest().expires_after(session_->ctx_->settings.idle_timeout);
      net::async_write(session_->stream_, http::make_chunk(net::buffer(queue_.front())),
                       [self = this->shared_from_this()](beast::error_code ec, size_t) {
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
                       [self = this->shared_from_this()](beast::error_code ec, size_t) {
                         beast::error_code ignored;
                         // Ends the watch before the connection reads its next request.
                         self->session_->socket().cancel(ignored);
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
    // TLS: no close_notify; every answer has its length or its last chunk, so the client
    // cannot take a cut connection for a complete answer.
    beast::error_code ec;
    socket().shutdown(tcp::socket::shutdown_send, ec);
    socket().close(ec);
  }

  Stream stream_;
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

} // namespace chat::http_internal
