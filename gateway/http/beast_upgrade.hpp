// Internal to the Beast translation units: what the HTTP server hands to the WebSocket side
// when a client asks to upgrade.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "gateway/http/websocket_acceptor.hpp"

namespace chat {

struct websocket_upgrade {
  boost::beast::tcp_stream stream;
  boost::beast::http::request<boost::beast::http::string_body> request;
  std::string remote_address;
  /// Counts the connection against the server's limit while it lives.
  std::shared_ptr<void> slot;
};

} // namespace chat
