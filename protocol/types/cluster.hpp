// What nodes of a cluster tell each other about themselves, and the cluster view.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace chat {

/// A node as the membership table and its peers know it.
struct node_info {
  std::string id;
  /// Where peers reach its published root actor (cluster_port) and clients its HTTP/WebSocket
  /// server (http_port).
  std::string host;
  uint16_t cluster_port = 0;
  uint16_t http_port = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, node_info& x) {
  return f(caf::meta::type_name("chat::node_info"), x.id, x.host, x.cluster_port, x.http_port);
}

/// One member of the cluster as a node sees it (GET /api/v1/cluster).
struct member_view {
  node_info node;
  /// "self", "up" (connected, its root monitored), "unreachable" (lease live, no connection)
  /// or "expired" (lease ran out).
  std::string state;
  /// Rooms active on it (-1 if unknown).
  int64_t rooms = -1;
  /// Milliseconds since its last heartbeat in the membership table.
  int64_t heartbeat_age_ms = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, member_view& x) {
  return f(caf::meta::type_name("chat::member_view"), x.node, x.state, x.rooms, x.heartbeat_age_ms);
}

} // namespace chat
