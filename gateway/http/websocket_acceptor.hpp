// The WebSocket side of the server: takes over connections that asked for an upgrade.
#pragma once

#include <string>

namespace chat {

/// Defined in beast_upgrade.hpp (Beast types; only the server's translation units see it).
struct websocket_upgrade;

class websocket_acceptor {
public:
  virtual ~websocket_acceptor() = default;

  /// Whether a request for `path` (without its query) may upgrade, e.g. "/ws/chat".
  virtual bool accepts(const std::string& path) const = 0;

  /// Takes the connection (called on the connection's strand).
  virtual void accept(websocket_upgrade&& upgrade) = 0;

  /// Closes every connection (server shutdown).
  virtual void close_all() = 0;
};

} // namespace chat
