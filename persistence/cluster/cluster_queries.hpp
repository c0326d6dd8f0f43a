// SQL of the cluster membership table (in the rooms store). Blocking; persistence workers
// only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/types/cluster.hpp"

namespace chat {

class db_connection;

namespace cluster_queries {

/// A row of the membership table.
struct member_row {
  node_info node;
  int64_t heartbeat_age_ms = 0;
  bool lease_live = false;
};

/// Records this node's heartbeat and extends its lease by `lease`.
void heartbeat(db_connection& db, const node_info& self, std::chrono::milliseconds lease);

/// Every member in the table, live leases first (expired ones are shown until removed).
std::vector<member_row> members(db_connection& db);

} // namespace cluster_queries

} // namespace chat
