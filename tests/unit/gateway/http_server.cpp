#define CAF_SUITE http_server

#include "gateway/http/http_server.hpp"

#include <future>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <caf/test/unit_test.hpp>
#include <netinet/tcp.h>

#include "gateway/http/beast_upgrade.hpp"

using namespace chat;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

/// Takes the upgraded connection and reports whether its socket has TCP_NODELAY set.
class probe : public websocket_acceptor {
public:
  bool accepts(const std::string& path) const override { return path == "/ws/chat"; }

  void accept(websocket_upgrade&& upgrade) override {
    int value = 0;
    socklen_t size = sizeof(value);
    auto fd = std::get<plain_stream>(upgrade.stream).socket().native_handle();
    getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &size);
    result.set_value(value != 0);
  }

  void close_all() override {}

  std::promise<bool> result;
};

} // namespace

CAF_TEST(accepted sockets have TCP_NODELAY) {
  auto websockets = std::make_shared<probe>();
  auto nodelay = websockets->result.get_future();
  http_settings settings;
  settings.port = 0;
  settings.threads = 1;
  http_server server{settings, [](http_request, http_responder respond) { respond({}); },
                     websockets};
  server.start();
  net::io_context io;
  tcp::socket client{io};
  client.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), server.port()});
  std::string upgrade = "GET /ws/chat HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n";
  net::write(client, net::buffer(upgrade));
  CAF_REQUIRE(nodelay.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CAF_CHECK(nodelay.get());
  client.close();
  server.stop();
}

namespace {

/// Reads from `client` until `needle` has arrived (or the connection ends).
std::string read_until(tcp::socket& client, net::streambuf& buffer, const std::string& needle) {
  boost::system::error_code ec;
  net::read_until(client, buffer, needle, ec);
  return std::string{net::buffers_begin(buffer.data()), net::buffers_end(buffer.data())};
}

} // namespace

/// A server whose /stream answers with a streamed response (handed to the test) and whose
/// other paths answer "plain"; a client connected to it that asked for /stream.
struct streaming_server {
  streaming_server() {
    http_settings settings;
    settings.port = 0;
    settings.threads = 1;
    server.emplace(
      settings,
      [this](http_request request, http_responder respond) {
        http_response response;
        if (request.path == "/stream") {
          response.content_type = "text/plain";
          response.streamed = [this](std::shared_ptr<response_stream> out) {
            opened.set_value(std::move(out));
          };
        } else {
          response.body = "plain";
        }
        respond(std::move(response));
      },
      nullptr);
    server->start();
    client.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), server->port()});
    net::write(client, net::buffer(std::string{"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"}));
  }

  ~streaming_server() {
    client.close();
    server->stop();
  }

  /// The stream of the /stream response, once the server opened it.
  std::shared_ptr<response_stream> stream() {
    auto future = opened.get_future();
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
      return nullptr;
    return future.get();
  }

  std::promise<std::shared_ptr<response_stream>> opened;
  std::optional<http_server> server;
  net::io_context io;
  tcp::socket client{io};
};

CAF_TEST(streamed responses go out in chunks and the connection serves the next request) {
  streaming_server fixture;
  auto out = fixture.stream();
  CAF_REQUIRE(out != nullptr);
  CAF_CHECK(out->write("first\n"));
  CAF_CHECK(out->write("second\n"));
  out->finish();
  CAF_CHECK(!out->write("late\n"));
  net::streambuf buffer;
  auto text = read_until(fixture.client, buffer, "0\r\n\r\n");
  CAF_CHECK(text.find("Transfer-Encoding: chunked") != std::string::npos);
  CAF_CHECK(text.find("6\r\nfirst\n\r\n7\r\nsecond\n\r\n0\r\n\r\n") != std::string::npos);
  buffer.consume(buffer.size());
  net::write(fixture.client, net::buffer(std::string{"GET /plain HTTP/1.1\r\nHost: x\r\n\r\n"}));
  CAF_CHECK(read_until(fixture.client, buffer, "plain").find("plain") != std::string::npos);
}

CAF_TEST(a streamed response learns that its client went away) {
  streaming_server fixture;
  auto out = fixture.stream();
  CAF_REQUIRE(out != nullptr);
  std::promise<void> gone;
  auto noticed = gone.get_future();
  out->on_gone([&gone] { gone.set_value(); });
  fixture.client.close();
  CAF_REQUIRE(noticed.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CAF_CHECK(!out->write("nobody listens"));
}
