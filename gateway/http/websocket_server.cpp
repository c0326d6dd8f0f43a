#include "gateway/http/websocket_server.hpp"

#include <array>
#include <atomic>
#include <deque>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "gateway/http/beast_upgrade.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/http/outbound_channel.hpp"
#include "gateway/sockjs/sockjs_framing.hpp"
#include "gateway/stomp/session.hpp"
#include "protocol/metrics.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/saga.hpp"
#include "protocol/types/streamer.hpp"

namespace chat {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

namespace {

/// One client's WebSocket, plain or TLS (the Stream).
template <class Stream>
class websocket_session : public outbound_channel,
                          public std::enable_shared_from_this<websocket_session<Stream>> {
public:
  /// `sockjs_heartbeat` is zero for plain STOMP; else frames are SockJS's, with its "h" frames.
  websocket_session(websocket_upgrade&& upgrade, std::shared_ptr<gateway_context> ctx,
                    caf::timespan sockjs_heartbeat)
      : ws_(std::move(std::get<Stream>(upgrade.stream))), request_(std::move(upgrade.request)),
        remote_(std::move(upgrade.remote_address)), slot_(std::move(upgrade.slot)),
        ctx_(std::move(ctx)), sockjs_(sockjs_heartbeat > caf::timespan{0}),
        sockjs_heartbeat_(sockjs_heartbeat), heartbeat_timer_(ws_.get_executor()) {
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
    ws_.async_accept(
      request_, [self = this->shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  // -- outbound_channel (any thread) ------------------------------------------------------------

  bool send(std::string head, std::shared_ptr<const std::string> body) override {
    if (closed_)
      return true;
    if (queued_.load() >= ctx_->settings.max_outbound_frames)
      return false;
    ++queued_;
    net::post(ws_.get_executor(), [self = this->shared_from_this(), head = std::move(head),
                                   body = std::move(body)]() mutable {
      self->enqueue(item{std::move(head), std::move(body), item_kind::frame});
    });
    return true;
  }

  bool send_encoded(std::string frame) override {
    if (closed_)
      return true;
    if (queued_.load() >= ctx_->settings.max_outbound_frames)
      return false;
    ++queued_;
    net::post(ws_.get_executor(),
              [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
                self->enqueue(item{std::move(frame), nullptr, item_kind::raw});
              });
    return true;
  }

  void send_heartbeat() override {
    if (closed_)
      return;
    ++queued_;
    net::post(ws_.get_executor(), [self = this->shared_from_this()] {
      self->enqueue(item{"\n", nullptr, item_kind::raw});
    });
  }

  void close_after(std::string frame) override {
    if (closed_.exchange(true))
      return;
    ++queued_;
    net::post(ws_.get_executor(),
              [self = this->shared_from_this(), frame = std::move(frame)]() mutable {
                self->close_requested_ = true;
                self->enqueue(item{std::move(frame), nullptr, item_kind::raw});
              });
  }

  void close() override {
    if (closed_.exchange(true))
      return;
    net::post(ws_.get_executor(), [self = this->shared_from_this()] {
      self->close_requested_ = true;
      if (!self->writing_)
        self->do_close();
    });
  }

  size_t queued() const override { return queued_.load(); }

private:
  enum class item_kind {
    /// head, body and the NUL.
    frame,
    /// A heart-beat, or a complete frame (with its NUL).
    raw,
    /// A SockJS frame of its own ("o", "h", "c[...]"), written as is.
    control,
  };

  struct item {
    std::string head;
    std::shared_ptr<const std::string> body;
    item_kind kind;
  };

  void on_accept(beast::error_code ec) {
    if (ec) {
      spdlog::debug("websocket handshake with {} failed: {}", remote_, ec.message());
      return;
    }
    // ?token= of the URL, for clients that cannot set headers; a malformed target has none.
    std::string path;
    std::map<std::string, std::string> query;
    std::string token;
    if (split_target(std::string{request_.target()}, path, query))
      token = query["token"];
    request_ = {};
    if (sockjs_) {
      ++metrics::instance().sockjs_websocket_sessions;
      enqueue_control(std::string{sockjs::open_frame});
      arm_heartbeat();
    }
    actor_ = ctx_->sys->spawn(connection, ctx_,
                              std::shared_ptr<outbound_channel>{this->shared_from_this()},
                              std::move(token), remote_);
    read();
  }

  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      closed_ = true;
      heartbeat_timer_.cancel();
      caf::anon_send(actor_, closed_atom::value);
      return;
    }
    auto data = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (!sockjs_) {
      caf::anon_send(actor_, inbound_atom::value, std::move(data));
    } else if (!data.empty()) {
      auto messages = sockjs::decode_messages(data);
      if (!messages) {
        // SockJS clients send JSON arrays of strings; anything else is a broken client.
        closed_ = true;
        heartbeat_timer_.cancel();
        caf::anon_send(actor_, closed_atom::value);
        beast::get_lowest_layer(ws_).close();
        return;
      }
      for (auto& message : *messages)
        if (!message.empty())
          caf::anon_send(actor_, inbound_atom::value, std::move(message));
    }
    read();
  }

  void enqueue_control(std::string frame) {
    ++queued_;
    enqueue(item{std::move(frame), nullptr, item_kind::control});
  }

  void arm_heartbeat() {
    heartbeat_timer_.expires_after(sockjs_heartbeat_);
    heartbeat_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->close_started_ || self->closed_)
        return;
      self->enqueue_control(std::string{sockjs::heartbeat_frame});
      self->arm_heartbeat();
    });
  }

  /// The text of the next write: one item, or in SockJS every frame up to the next control
  /// item as one "a[...]". Sets in_flight_ to the items it takes.
  std::string next_sockjs_write() {
    if (queue_.front().kind == item_kind::control) {
      in_flight_ = 1;
      return queue_.front().head;
    }
    std::vector<std::string> payloads;
    for (auto& next : queue_) {
      if (next.kind == item_kind::control)
        break;
      auto payload = next.head;
      if (next.kind == item_kind::frame) {
        if (next.body)
          payload += *next.body;
        payload += '\0';
      }
      payloads.push_back(std::move(payload));
    }
    in_flight_ = payloads.size();
    return sockjs::encode_messages({payloads.begin(), payloads.end()});
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
    auto done = [self = this->shared_from_this()](beast::error_code ec, size_t) {
      self->on_write(ec);
    };
    in_flight_ = 1;
    if (sockjs_) {
      sockjs_write_ = next_sockjs_write();
      ws_.async_write(net::buffer(sockjs_write_), std::move(done));
    } else if (next.kind != item_kind::frame) {
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
    for (size_t i = 0; i < in_flight_; ++i)
      queue_.pop_front();
    queued_ -= in_flight_;
    if (ec) {
      closed_ = true;
      heartbeat_timer_.cancel();
      queue_.clear();
      beast::get_lowest_layer(ws_).close();
      return;
    }
    write_next();
  }

  void do_close() {
    if (close_started_)
      return;
    if (sockjs_ && !goodbye_queued_) {
      // SockJS clients learn why with a close frame before the WebSocket closes.
      goodbye_queued_ = true;
      enqueue_control(sockjs::go_away_frame());
      return;
    }
    close_started_ = true;
    heartbeat_timer_.cancel();
    ws_.async_close(websocket::close_code::normal,
                    [self = this->shared_from_this()](beast::error_code) {
                      beast::get_lowest_layer(self->ws_).close();
                    });
  }

  websocket::stream<Stream> ws_;
  beast::http::request<beast::http::string_body> request_;
  std::string remote_;
  /// Counts this connection against the server's limit.
  std::shared_ptr<void> slot_;
  std::shared_ptr<gateway_context> ctx_;
  const bool sockjs_;
  const caf::timespan sockjs_heartbeat_;
  net::steady_timer heartbeat_timer_;
  /// The SockJS frame being written.
  std::string sockjs_write_;
  size_t in_flight_ = 0;
  bool goodbye_queued_ = false;
  beast::flat_buffer buffer_;
  connection_actor actor_;
  std::deque<item> queue_;
  std::atomic<size_t> queued_{0};
  std::atomic<bool> closed_{false};
  bool writing_ = false;
  bool close_requested_ = false;
  bool close_started_ = false;
};

} // namespace

websocket_server::websocket_server(std::shared_ptr<gateway_context> ctx, sockjs_settings sockjs,
                                   std::string path)
    : ctx_(std::move(ctx)), sockjs_(std::move(sockjs)), path_(std::move(path)) {
  // nop
}

bool websocket_server::sockjs_transport(const std::string& path) const {
  if (!sockjs_.enabled || path.size() <= path_.size() || path.compare(0, path_.size(), path_) != 0)
    return false;
  auto where = sockjs::parse_transport_path(std::string_view{path}.substr(path_.size()));
  return where && where->transport == "websocket";
}

bool websocket_server::accepts(const std::string& path) const {
  // {path}/websocket is SockJS's "raw WebSocket": plain STOMP frames.
  return path == path_ || (sockjs_.enabled && path == path_ + "/websocket") ||
         sockjs_transport(path);
}

void websocket_server::accept(websocket_upgrade&& upgrade) {
  std::string target{upgrade.request.target()};
  auto framed = sockjs_transport(target.substr(0, target.find('?')));
  auto heartbeat = framed ? sockjs_.heartbeat : caf::timespan{0};
  std::shared_ptr<outbound_channel> channel;
  auto start = [&](auto session) {
    channel = session;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      std::erase_if(sessions_,
                    [](const std::weak_ptr<outbound_channel>& s) { return s.expired(); });
      sessions_.push_back(channel);
    }
    session->start();
  };
  if (std::holds_alternative<tls_stream>(upgrade.stream))
    start(std::make_shared<websocket_session<tls_stream>>(std::move(upgrade), ctx_, heartbeat));
  else
    start(std::make_shared<websocket_session<plain_stream>>(std::move(upgrade), ctx_, heartbeat));
}

void websocket_server::close_all() {
  std::vector<std::shared_ptr<outbound_channel>> alive;
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
