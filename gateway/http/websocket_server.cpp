#include "gateway/http/websocket_server.hpp"

#include <array>
#include <atomic>
#include <deque>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "gateway/http/beast_upgrade.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/http/outbound_channel.hpp"
#include "gateway/stomp/session.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/saga.hpp"
#include "protocol/types/streamer.hpp"

namespace chat {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

class websocket_session : public outbound_channel,
                          public std::enable_shared_from_this<websocket_session> {
public:
  websocket_session(websocket_upgrade&& upgrade, std::shared_ptr<gateway_context> ctx)
      : ws_(std::move(upgrade.stream)), request_(std::move(upgrade.request)),
        remote_(std::move(upgrade.remote_address)), ctx_(std::move(ctx)) {
    // nop
  }

  void start() {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    // Browsers drop a connection that offered subprotocols (stompjs offers v12.stomp, ...) and
    // got none back: answer with the newest STOMP version offered.
    std::string offered{request_[beast::http::field::sec_websocket_protocol]};
    std::string chosen;
    for (const char* version : {"v12.stomp", "v11.stomp", "v10.stomp"})
      if (chosen.empty() && offered.find(version) != std::string::npos)
        chosen = version;
    ws_.set_option(websocket::stream_base::decorator([chosen](websocket::response_type& res) {
      res.set(beast::http::field::server, "chatd");
      if (!chosen.empty())
        res.set(beast::http::field::sec_websocket_protocol, chosen);
    }));
    // Frames a little larger than the STOMP limit reach the parser, which answers with an
    // ERROR frame; far larger ones are refused by the WebSocket layer (close 1009).
    ws_.read_message_max(ctx_->settings.max_frame_bytes * 2);
    ws_.text(true);
    ws_.async_accept(request_,
                     [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  // -- outbound_channel (any thread) ------------------------------------------------------------

  bool send(std::string head, std::shared_ptr<const std::string> body) override {
    if (closed_)
      return true;
    if (queued_.load() >= ctx_->settings.max_outbound_frames)
      return false;
    ++queued_;
    net::post(ws_.get_executor(), [self = shared_from_this(), head = std::move(head),
                                   body = std::move(body)]() mutable {
      self->enqueue(item{std::move(head), std::move(body), false});
    });
    return true;
  }

  bool send_encoded(std::string frame) override {
    if (closed_)
      return true;
    if (queued_.load() >= ctx_->settings.max_outbound_frames)
      return false;
    ++queued_;
    net::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
      self->enqueue(item{std::move(frame), nullptr, true});
    });
    return true;
  }

  void send_heartbeat() override {
    if (closed_)
      return;
    ++queued_;
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      self->enqueue(item{"\n", nullptr, true});
    });
  }

  void close_after(std::string frame) override {
    if (closed_.exchange(true))
      return;
    ++queued_;
    net::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
      self->close_requested_ = true;
      self->enqueue(item{std::move(frame), nullptr, true});
    });
  }

  void close() override {
    if (closed_.exchange(true))
      return;
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      self->close_requested_ = true;
      if (!self->writing_)
        self->do_close();
    });
  }

  size_t queued() const override { return queued_.load(); }

private:
  struct item {
    std::string head;
    std::shared_ptr<const std::string> body;
    /// Sent as is: a heart-beat, or a complete frame (with its NUL).
    bool raw;
  };

  void on_accept(beast::error_code ec) {
    if (ec) {
      spdlog::debug("websocket handshake with {} failed: {}", remote_, ec.message());
      return;
    }
    std::string target{request_.target()};
    std::string token;
    if (auto question = target.find('?'); question != std::string::npos) {
      std::map<std::string, std::string> query;
      if (parse_query(target.substr(question + 1), query))
        token = query["token"];
    }
    request_ = {};
    actor_ =
      ctx_->sys->spawn(connection, ctx_, std::shared_ptr<outbound_channel>{shared_from_this()},
                       std::move(token), remote_);
    read();
  }

  void read() {
    ws_.async_read(
      buffer_, [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      closed_ = true;
      caf::anon_send(actor_, closed_atom::value);
      return;
    }
    auto data = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    caf::anon_send(actor_, inbound_atom::value, std::move(data));
    read();
  }

  void enqueue(item x) {
    queue_.push_back(std::move(x));
    if (!writing_)
      write_next();
  }

  void write_next() {
    if (queue_.empty()) {
      if (close_requested_)
        do_close();
      return;
    }
    writing_ = true;
    auto& next = queue_.front();
    static const char nul = '\0';
    auto done = [self = shared_from_this()](beast::error_code ec, size_t) { self->on_write(ec); };
    if (next.raw) {
      ws_.async_write(net::buffer(next.head), std::move(done));
    } else if (next.body) {
      std::array<net::const_buffer, 3> parts{net::buffer(next.head), net::buffer(*next.body),
                                             net::buffer(&nul, 1)};
      ws_.async_write(parts, std::move(done));
    } else {
      std::array<net::const_buffer, 2> parts{net::buffer(next.head), net::buffer(&nul, 1)};
      ws_.async_write(parts, std::move(done));
    }
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    queue_.pop_front();
    --queued_;
    if (ec) {
      closed_ = true;
      queue_.clear();
      beast::get_lowest_layer(ws_).close();
      return;
    }
    write_next();
  }

  void do_close() {
    if (close_started_)
      return;
    close_started_ = true;
    ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {
      beast::get_lowest_layer(self->ws_).close();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::http::request<beast::http::string_body> request_;
  std::string remote_;
  std::shared_ptr<gateway_context> ctx_;
  beast::flat_buffer buffer_;
  connection_actor actor_;
  std::deque<item> queue_;
  std::atomic<size_t> queued_{0};
  std::atomic<bool> closed_{false};
  bool writing_ = false;
  bool close_requested_ = false;
  bool close_started_ = false;
};

websocket_server::websocket_server(std::shared_ptr<gateway_context> ctx, std::string path)
    : ctx_(std::move(ctx)), path_(std::move(path)) {
  // nop
}

void websocket_server::accept(websocket_upgrade&& upgrade) {
  auto session = std::make_shared<websocket_session>(std::move(upgrade), ctx_);
  {
    std::lock_guard<std::mutex> guard{mtx_};
    std::erase_if(sessions_, [](const std::weak_ptr<websocket_session>& s) { return s.expired(); });
    sessions_.push_back(session);
  }
  session->start();
}

void websocket_server::close_all() {
  std::vector<std::shared_ptr<websocket_session>> alive;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& weak : sessions_)
      if (auto session = weak.lock())
        alive.push_back(std::move(session));
    sessions_.clear();
  }
  for (auto& session : alive)
    session->close();
}

} // namespace chat
