#include "persistence/cluster/cluster_queries.hpp"

#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"

namespace chat::cluster_queries {

void heartbeat(db_connection& db, const node_info& self, std::chrono::milliseconds lease) {
  pqxx::work txn{db.get()};
  txn.exec_params("INSERT INTO cluster_members AS m (node_id, host, cluster_port, http_port, "
                  "lease_until) VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond') "
                  "ON CONFLICT (node_id) DO UPDATE SET host = excluded.host, "
                  "cluster_port = excluded.cluster_port, http_port = excluded.http_port, "
                  "heartbeat_at = now(), lease_until = excluded.lease_until, "
                  // A node that comes back after its lease ran out starts anew.
                  "started_at = CASE WHEN m.lease_until < now() THEN now() ELSE m.started_at END",
                  self.id, self.host, static_cast<int>(self.cluster_port),
                  static_cast<int>(self.http_port), static_cast<int64_t>(lease.count()));
  txn.commit();
}

std::vector<member_row> members(db_connection& db) {
  pqxx::read_transaction txn{db.get()};
  auto rows = txn.exec("SELECT node_id, host, cluster_port, http_port, "
                       "(extract(epoch from now() - heartbeat_at) * 1000)::bigint, "
                       "lease_until > now() FROM cluster_members "
                       "ORDER BY lease_until > now() DESC, node_id");
  std::vector<member_row> result;
  result.reserve(rows.size());
  for (const auto& row : rows) {
    member_row x;
    x.node.id = row[0].as<std::string>();
    x.node.host = row[1].as<std::string>();
    x.node.cluster_port = static_cast<uint16_t>(row[2].as<int>());
    x.node.http_port = static_cast<uint16_t>(row[3].as<int>());
    x.heartbeat_age_ms = row[4].as<int64_t>();
    x.lease_live = row[5].as<bool>();
    result.push_back(std::move(x));
  }
  return result;
}

} // namespace chat::cluster_queries
