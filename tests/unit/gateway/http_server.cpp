#define CAF_SUITE http_server

#include "gateway/http/http_server.hpp"

#include <future>

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
  const std::string& path() const override { return path_; }

  void accept(websocket_upgrade&& upgrade) override {
    int value = 0;
    socklen_t size = sizeof(value);
    auto fd = upgrade.stream.socket().native_handle();
    getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &size);
    result.set_value(value != 0);
  }

  void close_all() override {}

  std::promise<bool> result;

private:
  std::string path_ = "/ws/chat";
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
