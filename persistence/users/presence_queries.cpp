#include "persistence/users/presence_queries.hpp"

#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"

namespace chat::presence_queries {

const char* const online_expression =
  "(u.status <> 'OFFLINE' AND EXISTS (SELECT 1 FROM user_sessions s LEFT JOIN cluster_members c "
  "ON c.node_id = s.node_id WHERE s.user_id = u.id AND (c.node_id IS NULL OR c.lease_until > "
  "now())))";

void session_changed(db_connection& db, int64_t user_id, const std::string& node_id,
                     int32_t delta) {
  pqxx::work txn{db.get()};
  // Upserts in both directions, so that a close that overtakes its open still sums to 0.
  auto sessions =
    txn
      .exec_params1("INSERT INTO user_sessions AS s (user_id, node_id, sessions) "
                    "VALUES ($1, $2, $3) ON CONFLICT (user_id, node_id) DO UPDATE "
                    "SET sessions = s.sessions + excluded.sessions RETURNING sessions",
                    user_id, node_id, delta)[0]
      .as<int32_t>();
  if (sessions == 0)
    txn.exec_params("DELETE FROM user_sessions WHERE user_id = $1 AND node_id = $2", user_id,
                    node_id);
  if (delta < 0)
    txn.exec_params("UPDATE users SET last_seen_at = now() WHERE id = $1", user_id);
  txn.commit();
}

void clear_node(db_connection& db, const std::string& node_id) {
  pqxx::work txn{db.get()};
  txn.exec_params("DELETE FROM user_sessions WHERE node_id = $1", node_id);
  txn.commit();
}

} // namespace chat::presence_queries
