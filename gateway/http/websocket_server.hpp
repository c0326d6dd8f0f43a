// The WebSocket endpoint (/ws/chat, and SockJS's WebSocket transport below it): one Beast session
// per client, each driven by its own connection actor. Sessions write from a bounded queue; a full
// queue means a slow client.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/gateway_context.hpp"
#include "gateway/http/websocket_acceptor.hpp"
#include "gateway/sockjs/sockjs_settings.hpp"

namespace chat {

class outbound_channel;

class websocket_server : public websocket_acceptor {
public:
  /// Upgrades `path` (STOMP frames), and with SockJS enabled {path}/{server}/{session}/websocket
  /// (SockJS framing) and {path}/websocket (STOMP frames).
  explicit websocket_server(std::shared_ptr<gateway_context> ctx, sockjs_settings sockjs = {},
                            std::string path = "/ws/chat");

  bool accepts(const std::string& path) const override;

  void accept(websocket_upgrade&& upgrade) override;

  void close_all() override;

private:
  bool sockjs_transport(const std::string& path) const;

  std::shared_ptr<gateway_context> ctx_;
  sockjs_settings sockjs_;
  std::string path_;
  std::mutex mtx_;
  std::vector<std::weak_ptr<outbound_channel>> sessions_;
};

} // namespace chat
