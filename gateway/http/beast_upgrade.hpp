// Internal to the Beast translation units: the two kinds of connection the server speaks (plain
// TCP, and TLS when [http] tls-cert is set), and what the HTTP server hands to the WebSocket side
// when a client asks to upgrade.
#pragma once

#include <variant>

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "gateway/http/websocket_acceptor.hpp"

namespace chat {

using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

struct websocket_upgrade {
  /// The connection, its TLS handshake done when it is a tls_stream.
  std::variant<plain_stream, tls_stream> stream;
  boost::beast::http::request<boost::beast::http::string_body> request;
  std::string remote_address;
  /// Counts the connection against the server's limit while it lives.
  std::shared_ptr<void> slot;
};

} // namespace chat
