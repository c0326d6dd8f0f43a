#include "gateway/http/http_server.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

namespace chat {

void http_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "http"}
    .add(address, "address", "IP address to listen on (loopback by default)")
    .add(port, "port", "HTTP and WebSocket port")
    .add(threads, "threads", "io_context threads of the HTTP/WebSocket server")
    .add(max_body_bytes, "max-body-bytes", "larger request bodies get 413")
    .add(idle_timeout, "idle-timeout", "idle keep-alive connections are closed after")
    .add(max_connections, "max-connections",
         "most open connections (0: the descriptor limit less reserved-descriptors)")
    .add(reserved_descriptors, "reserved-descriptors",
         "descriptors kept for databases, Kafka, the cluster and requests over the limit")
    .add(tls_cert, "tls-cert", "PEM certificate chain: with tls-key, the port speaks TLS only")
    .add(tls_key, "tls-key", "PEM private key of tls-cert");
}

std::string http_settings::check() const {
  if (threads == 0 || threads > 64)
    return "http.threads must be between 1 and 64";
  if (max_body_bytes < 1024)
    return "http.max-body-bytes must be at least 1024";
  if (idle_timeout <= caf::timespan{0})
    return "http.idle-timeout must be positive";
  if (reserved_descriptors < 32)
    return "http.reserved-descriptors must be at least 32";
  if (tls_cert.empty() != tls_key.empty())
    return "http.tls-cert and http.tls-key go together: set both or neither";
  return {};
}

} // namespace chat
