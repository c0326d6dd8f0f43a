// SQL of presence: the open sessions of each user per node, and when a user was last seen.
// Blocking; persistence workers only.
#pragma once

#include <cstdint>
#include <string>

namespace chat {

class db_connection;

namespace presence_queries {

/// SQL (a boolean over the users row `u`): a session of the user is open on a live node and
/// the user is not invisible.
extern const char* const online_expression;

/// A session of `user_id` opened (+1) or closed (-1) on `node_id`; a close also stamps the
/// user's last_seen_at.
void session_changed(db_connection& db, int64_t user_id, const std::string& node_id, int32_t delta);

/// Forgets every session of a node (it starts: whatever a crash left is stale).
void clear_node(db_connection& db, const std::string& node_id);

} // namespace presence_queries

} // namespace chat
