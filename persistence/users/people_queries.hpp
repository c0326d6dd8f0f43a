// SQL of people (rooms database): profiles and status, user search, friends and their
// requests, recommendations over the friend graph, blocks. Blocking; workers only. Refusals
// throw store_error (not_found, invalid_input, conflict, forbidden, blocked).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/types/people.hpp"

namespace pqxx {
class transaction_base;
}

namespace chat {

class db_connection;

namespace people_queries {

/// The users whom `user_id` blocked or who blocked `user_id` (ascending): their messages are
/// hidden from `user_id` in GROUP rooms.
std::vector<int64_t> hidden_senders(db_connection& db, int64_t user_id);

/// A user's profile as `viewer` sees it: not_found when unknown or when the user blocked the
/// viewer.
profile get_profile(db_connection& db, int64_t viewer, int64_t user_id);

/// Changes the fields the update carries; answers the profile.
profile update_profile(db_connection& db, int64_t user_id, const profile_update& update);

/// Sets status (ONLINE, AWAY, BUSY, OFFLINE) and status message; answers the profile.
profile set_status(db_connection& db, int64_t user_id, const std::string& status,
                   const std::string& message);

/// Users whose username or nickname starts with `prefix` (case-insensitive), by username;
/// never the viewer or a user who blocked the viewer.
std::vector<user> search(db_connection& db, int64_t viewer, const std::string& prefix,
                         int32_t limit);

std::vector<profile> friends(db_connection& db, int64_t user_id);

friend_requests requests(db_connection& db, int64_t user_id);

/// Asks `to` to be friends: a pending request, or a friendship when `to` had asked already.
friend_outcome ask(db_connection& db, int64_t from, int64_t to);

/// Accepts or rejects a request addressed to `user_id`.
friend_outcome answer(db_connection& db, int64_t user_id, int64_t request_id, bool accept);

/// Ends a friendship both ways (not_found when there is none).
bool unfriend(db_connection& db, int64_t user_id, int64_t friend_id);

/// Breadth-first over the friend graph from the user: one query per level over the whole
/// frontier, a visited set, at most `depth` levels; stops at the first level that fills the
/// limit (the order is by depth first). Never the user, a friend, someone with a pending
/// request either way, or someone blocked either way (blocked users are not walked through).
std::vector<recommendation> recommend(db_connection& db, const recommendation_query& query);

/// Blocks (ends any friendship and request between the two) or unblocks; idempotent.
bool block(db_connection& db, int64_t user_id, int64_t target, bool blocked);

std::vector<user> blocked(db_connection& db, int64_t user_id);

/// True when one of the two blocked the other.
bool blocked_between(pqxx::transaction_base& txn, int64_t a, int64_t b);

} // namespace people_queries

} // namespace chat
