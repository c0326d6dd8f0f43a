// The WebSocket endpoint (/ws/chat): one Beast session per client, each driven by its own
// connection actor. Sessions write from a bounded queue; a full queue means a slow client.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/gateway_context.hpp"
#include "gateway/http/websocket_acceptor.hpp"

namespace chat {

class websocket_session;

class websocket_server : public websocket_acceptor {
public:
  explicit websocket_server(std::shared_ptr<gateway_context> ctx, std::string path = "/ws/chat");

  const std::string& path() const override { return path_; }

  void accept(websocket_upgrade&& upgrade) override;

  void close_all() override;

private:
  std::shared_ptr<gateway_context> ctx_;
  std::string path_;
  std::mutex mtx_;
  std::vector<std::weak_ptr<websocket_session>> sessions_;
};

} // namespace chat
