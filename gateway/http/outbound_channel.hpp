// The writing side of a WebSocket session, as its connection actor sees it. Thread-safe:
// the actor calls it from scheduler threads, the session writes on its own strand.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace chat {

class outbound_channel {
public:
  virtual ~outbound_channel() = default;

  /// Queues one STOMP frame made of `head` (command, headers, blank line), the shared `body`
  /// (may be null) and the NUL terminator. Returns false when the queue is full.
  virtual bool send(std::string head, std::shared_ptr<const std::string> body) = 0;

  /// Queues one complete frame as encode_frame made it (with its NUL). Returns false when the
  /// queue is full.
  virtual bool send_encoded(std::string frame) = 0;

  /// Queues a heart-beat (an EOL between frames).
  virtual void send_heartbeat() = 0;

  /// Queues a last frame whatever the queue holds, then closes the connection.
  virtual void close_after(std::string frame) = 0;

  /// Closes the connection.
  virtual void close() = 0;

  /// Frames waiting to be written.
  virtual size_t queued() const = 0;
};

} // namespace chat
