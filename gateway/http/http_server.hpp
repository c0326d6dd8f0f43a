// The HTTP and WebSocket server (Boost.Beast) on its own io_context threads. Requests go to
// an http_handler; WebSocket upgrades on the configured path go to a websocket_acceptor.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "gateway/http/http_types.hpp"

namespace chat {

class websocket_acceptor;

/// [http] in config/chatd.ini.
struct http_settings {
  std::string address = "127.0.0.1";
  uint16_t port = 8100;
  /// io_context threads.
  size_t threads = 2;
  /// Larger request bodies get 413.
  size_t max_body_bytes = 64 * 1024;
  /// Idle keep-alive connections are closed after this long.
  caf::timespan idle_timeout = std::chrono::seconds(60);
  /// Most open connections (HTTP and WebSocket); 0: the descriptor limit read at start-up less
  /// `reserved_descriptors`. Over it, upgrades get 503 and plain requests are still answered
  /// (/healthz, /metrics), each on a connection closed after its answer.
  size_t max_connections = 0;
  /// Descriptors kept for everything else: databases, Kafka, the cluster, files, and the
  /// plain requests answered over the limit.
  size_t reserved_descriptors = 128;
  /// PEM files of the certificate (chain) and its private key: both set, the port speaks TLS
  /// only (https:// and wss://); both empty, plain HTTP.
  std::string tls_cert;
  std::string tls_key;
  /// Origins besides the node's own whose pages may open WebSockets ([web] allowed-origins).
  std::vector<std::string> allowed_origins;

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

class http_server {
public:
  /// `websockets` may be null (no WebSocket endpoint).
  http_server(http_settings settings, http_handler handler,
              std::shared_ptr<websocket_acceptor> websockets);
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Loads the TLS files, binds and starts the threads. Throws std::runtime_error when it cannot
  /// bind or the files do not make a certificate and its key.
  void start();

  /// Stops accepting, closes connections and joins the threads.
  void stop();

  /// "" or why the TLS files of `settings` do not make a certificate and its key (a node checks
  /// before it prepares anything else).
  static std::string check_tls(const http_settings& settings);

  /// The bound port (useful with port 0).
  uint16_t port() const;

  /// The connection limit in force (max_connections, or what start() derived).
  size_t connection_limit() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace chat
