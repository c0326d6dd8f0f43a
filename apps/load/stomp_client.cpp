#include "apps/load/stomp_client.hpp"

#include <deque>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "protocol/codec/stomp.hpp"

namespace chat::load {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::string_view ready_receipt = "ready";

class beast_client final : public stomp_client, public std::enable_shared_from_this<beast_client> {
public:
  beast_client(asio::io_context& io, client_options options, client_events events)
      : ws_(io), beat_(io), options_(std::move(options)), events_(std::move(events)),
        // Server frames carry whole messages (up to 8 KiB of content and their fields).
        parser_(stomp_limits{1024 * 1024, 64, 64 * 1024}) {}

  void start() {
    error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec)
      return fail("bad server address " + options_.host);
    tcp::endpoint remote{address, options_.port};
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.open(remote.protocol(), ec);
    if (ec)
      return fail("socket: " + ec.message());
    if (!options_.source_address.empty()) {
      auto source = asio::ip::make_address(options_.source_address, ec);
      if (!ec)
        socket.bind(tcp::endpoint{source, 0}, ec);
      if (ec)
        return fail("bind " + options_.source_address + ": " + ec.message());
    }
    socket.set_option(tcp::no_delay(true), ec);
    socket.async_connect(remote, [self = shared_from_this()](error_code error) {
      if (error)
        return self->fail("connect: " + error.message());
      self->handshake();
    });
  }

  void send(const std::string& destination, const std::string& body) override {
    if (!ready_ || closed_)
      return;
    queue(encode_frame("SEND", {{"destination", destination}, {"content-type", "application/json"}},
                       body));
  }

  void close() override {
    asio::post(ws_.get_executor(),
               [self = shared_from_this()] { self->fail("closed by the load tool"); });
  }

  bool open() const override { return ready_ && !closed_; }

private:
  void handshake() {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
      request.set(beast::http::field::sec_websocket_protocol, "v12.stomp");
    }));
    ws_.text(true);
    auto host = options_.host + ":" + std::to_string(options_.port);
    ws_.async_handshake(host, options_.target, [self = shared_from_this()](error_code error) {
      if (error)
        return self->fail("handshake: " + error.message());
      auto beats = std::to_string(self->options_.heart_beat_ms);
      self->queue(
        encode_frame("CONNECT", {{"accept-version", "1.2"},
                                 {"host", self->options_.host},
                                 {"heart-beat", beats + "," + beats},
                                 {"Authorization", "Bearer " + self->options_.access_token}}));
      self->read_next();
    });
  }

  void queue(std::string frame) {
    outbox_.push_back(std::move(frame));
    if (!writing_)
      write_next();
  }

  void write_next() {
    writing_ = true;
    ws_.async_write(asio::buffer(outbox_.front()),
                    [self = shared_from_this()](error_code error, size_t) {
                      self->outbox_.pop_front();
                      if (error)
                        return self->fail("write: " + error.message());
                      if (self->outbox_.empty())
                        self->writing_ = false;
                      else
                        self->write_next();
                    });
  }

  void read_next() {
    ws_.async_read(buffer_, [self = shared_from_this()](error_code error, size_t) {
      if (self->closed_)
        return;
      if (error)
        return self->fail("read: " + error.message());
      auto data = self->buffer_.data();
      self->parser_.feed(std::string_view{static_cast<const char*>(data.data()), data.size()});
      self->buffer_.consume(self->buffer_.size());
      while (auto frame = self->parser_.next()) {
        self->handle(*frame);
        if (self->closed_)
          return;
      }
      if (self->parser_.failed())
        return self->fail("bad frame from the server: " + self->parser_.error());
      self->read_next();
    });
  }

  void handle(const stomp_frame& frame) {
    if (frame.command == "MESSAGE") {
      if (events_.on_message)
        events_.on_message(frame);
    } else if (frame.command == "CONNECTED") {
      if (options_.destinations.empty())
        return became_ready();
      for (size_t i = 0; i < options_.destinations.size(); ++i) {
        std::vector<std::pair<std::string, std::string>> headers{
          {"id", "sub-" + std::to_string(i)}, {"destination", options_.destinations[i]}};
        if (i + 1 == options_.destinations.size())
          headers.emplace_back("receipt", std::string{ready_receipt});
        queue(encode_frame("SUBSCRIBE", headers));
      }
    } else if (frame.command == "RECEIPT") {
      if (auto* id = frame.header("receipt-id"); id && *id == ready_receipt)
        became_ready();
    } else if (frame.command == "ERROR") {
      auto* message = frame.header("message");
      fail("ERROR frame: " + (message ? *message : frame.body));
    }
  }

  void became_ready() {
    ready_ = true;
    if (options_.heart_beat_ms > 0)
      beat();
    if (events_.on_ready)
      events_.on_ready();
  }

  // A bare EOL when nothing else went out; the server counts it as a heart-beat.
  void beat() {
    beat_.expires_after(std::chrono::milliseconds{options_.heart_beat_ms});
    beat_.async_wait([self = shared_from_this()](error_code error) {
      if (error || self->closed_)
        return;
      if (!self->writing_)
        self->queue("\n");
      self->beat();
    });
  }

  void fail(std::string why) {
    if (closed_)
      return;
    closed_ = true;
    ready_ = false;
    beat_.cancel();
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    if (events_.on_closed)
      events_.on_closed(why);
  }

  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer beat_;
  client_options options_;
  client_events events_;
  stomp_parser parser_;
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool ready_ = false;
  bool closed_ = false;
};

} // namespace

std::shared_ptr<stomp_client> open_stomp_client(asio::io_context& io, client_options options,
                                                client_events events) {
  auto client = std::make_shared<beast_client>(io, std::move(options), std::move(events));
  asio::post(io, [client] { client->start(); });
  return client;
}

} // namespace chat::load
