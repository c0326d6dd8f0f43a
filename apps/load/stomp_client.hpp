// One STOMP 1.2 session over a WebSocket, for the load tool: connects, subscribes, sends
// frames and hands every MESSAGE to its owner, all on the io_context it was opened on (one
// thread per io_context, so the owner's handlers need no locks). Boost.Beast stays in
// stomp_client.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace chat {
struct stomp_frame;
} // namespace chat

namespace chat::load {

struct client_options {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string target = "/ws/chat";
  /// Local address to connect from (another 127.0.0.x gives another 64k ports); empty: any.
  std::string source_address;
  std::string access_token;
  /// Heart-beats both ways, ms; 0: none.
  int64_t heart_beat_ms = 0;
  /// Subscribed in order after CONNECTED; ready once the server confirmed the last one.
  std::vector<std::string> destinations;
};

struct client_events {
  /// CONNECTED and every subscription confirmed.
  std::function<void()> on_ready;
  /// A MESSAGE frame of one of the subscriptions.
  std::function<void(const stomp_frame&)> on_message;
  /// The session ended (refused, ERROR frame, closed, failed); `why` says which.
  std::function<void(const std::string& why)> on_closed;
};

class stomp_client {
public:
  virtual ~stomp_client() = default;

  /// Queues a SEND of `body` (JSON) to `destination`; dropped if the session is not open.
  virtual void send(const std::string& destination, const std::string& body) = 0;

  /// Closes the WebSocket (no more events after on_closed).
  virtual void close() = 0;

  virtual bool open() const = 0;
};

/// Starts connecting; every event runs on a thread running `io`.
std::shared_ptr<stomp_client> open_stomp_client(boost::asio::io_context& io, client_options options,
                                                client_events events);

} // namespace chat::load
