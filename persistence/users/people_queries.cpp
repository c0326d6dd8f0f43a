#include "persistence/users/people_queries.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/sql_util.hpp"
#include "persistence/db/store_error.hpp"
#include "persistence/users/presence_queries.hpp"

namespace chat::people_queries {

namespace {

constexpr const char* user_columns = "u.id, u.username, u.nickname";

const std::string profile_columns =
  std::string{"u.id, u.username, u.nickname, u.bio, u.avatar_url, u.status, u.status_message, "
              "coalesce((extract(epoch from u.last_seen_at) * 1000)::bigint, 0), "} +
  presence_queries::online_expression;

user read_user(const pqxx::row& row, int offset = 0) {
  return user{row[offset].as<int64_t>(), row[offset + 1].as<std::string>(),
              row[offset + 2].as<std::string>()};
}

profile read_profile(const pqxx::row& row) {
  profile result;
  result.account = read_user(row);
  result.bio = row[3].as<std::string>();
  result.avatar_url = row[4].as<std::string>();
  result.status = row[5].as<std::string>();
  result.status_message = row[6].as<std::string>();
  result.last_seen_at = row[7].as<int64_t>();
  result.online = row[8].as<bool>();
  return result;
}

profile profile_in(pqxx::transaction_base& txn, int64_t user_id) {
  auto rows = txn.exec_params(
    std::string{"SELECT "} + profile_columns + " FROM users u WHERE u.id = $1", user_id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "user " + std::to_string(user_id) + " does not exist");
  return read_profile(rows[0]);
}

std::vector<user> users_of(const pqxx::result& rows) {
  std::vector<user> result;
  for (const auto& row : rows)
    result.push_back(read_user(row));
  return result;
}

/// A LIKE pattern matching what starts with `prefix` (its wildcards taken literally).
std::string prefix_pattern(const std::string& prefix) {
  std::string pattern;
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '\\')
      pattern += '\\';
    pattern += c;
  }
  return pattern + '%';
}

friend_request read_request(const pqxx::row& row) {
  return friend_request{row[0].as<int64_t>(), read_user(row, 1), read_user(row, 4),
                        row[7].as<int64_t>()};
}

constexpr const char* request_select =
  "SELECT r.id, f.id, f.username, f.nickname, t.id, t.username, t.nickname, "
  "(extract(epoch from r.created_at) * 1000)::bigint FROM friend_requests r "
  "JOIN users f ON f.id = r.from_id JOIN users t ON t.id = r.to_id ";

void befriend(pqxx::transaction_base& txn, int64_t a, int64_t b) {
  txn.exec_params("INSERT INTO friendships (user_id, friend_id) VALUES ($1, $2), ($2, $1) "
                  "ON CONFLICT DO NOTHING",
                  a, b);
  txn.exec_params("DELETE FROM friend_requests WHERE (from_id = $1 AND to_id = $2) OR "
                  "(from_id = $2 AND to_id = $1)",
                  a, b);
}

void require_user(pqxx::transaction_base& txn, int64_t user_id) {
  if (txn.exec_params("SELECT 1 FROM users WHERE id = $1", user_id).empty())
    throw store_error(chat_errc::not_found, "user " + std::to_string(user_id) + " does not exist");
}

} // namespace

bool blocked_between(pqxx::transaction_base& txn, int64_t a, int64_t b) {
  return !txn
            .exec_params("SELECT 1 FROM user_blocks WHERE (blocker_id = $1 AND blocked_id = $2) "
                         "OR (blocker_id = $2 AND blocked_id = $1)",
                         a, b)
            .empty();
}

profile get_profile(db_connection& db, int64_t viewer, int64_t user_id) {
  pqxx::read_transaction txn{db.get()};
  auto found = profile_in(txn, user_id);
  // A user who blocked the viewer does not exist for them.
  if (viewer != user_id &&
      !txn
         .exec_params("SELECT 1 FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2",
                      user_id, viewer)
         .empty())
    throw store_error(chat_errc::not_found, "user " + std::to_string(user_id) + " does not exist");
  return found;
}

profile update_profile(db_connection& db, int64_t user_id, const profile_update& update) {
  pqxx::work txn{db.get()};
  txn.exec_params("UPDATE users SET nickname = CASE WHEN $2 THEN $3 ELSE nickname END, "
                  "bio = CASE WHEN $4 THEN $5 ELSE bio END, "
                  "avatar_url = CASE WHEN $6 THEN $7 ELSE avatar_url END WHERE id = $1",
                  user_id, update.has_nickname, update.nickname, update.has_bio, update.bio,
                  update.has_avatar_url, update.avatar_url);
  auto result = profile_in(txn, user_id);
  txn.commit();
  return result;
}

profile set_status(db_connection& db, int64_t user_id, const std::string& status,
                   const std::string& message) {
  pqxx::work txn{db.get()};
  txn.exec_params("UPDATE users SET status = $2, status_message = $3 WHERE id = $1", user_id,
                  status, message);
  auto result = profile_in(txn, user_id);
  txn.commit();
  return result;
}

std::vector<user> search(db_connection& db, int64_t viewer, const std::string& prefix,
                         int32_t limit) {
  pqxx::read_transaction txn{db.get()};
  // Each branch is a range scan of its prefix index (users_username_prefix,
  // users_nickname_prefix); the pattern is lower-cased like the indexed expression.
  return users_of(txn.exec_params(
    std::string{"SELECT "} + user_columns +
      " FROM users u WHERE u.id IN (SELECT id FROM users WHERE lower(username) LIKE lower($1) "
      "UNION SELECT id FROM users WHERE lower(nickname) LIKE lower($1)) AND u.id <> $2 AND "
      "NOT EXISTS (SELECT 1 FROM user_blocks b WHERE b.blocker_id = u.id AND b.blocked_id = $2) "
      "ORDER BY lower(u.username), u.id LIMIT $3",
    prefix_pattern(prefix), viewer, limit));
}

std::vector<profile> friends(db_connection& db, int64_t user_id) {
  pqxx::read_transaction txn{db.get()};
  std::vector<profile> result;
  for (const auto& row : txn.exec_params(std::string{"SELECT "} + profile_columns +
                                           " FROM friendships f JOIN users u ON u.id = "
                                           "f.friend_id WHERE f.user_id = $1 ORDER BY "
                                           "lower(u.username), u.id",
                                         user_id))
    result.push_back(read_profile(row));
  return result;
}

friend_requests requests(db_connection& db, int64_t user_id) {
  pqxx::read_transaction txn{db.get()};
  friend_requests result;
  for (const auto& row : txn.exec_params(
         std::string{request_select} + "WHERE r.to_id = $1 ORDER BY r.created_at DESC, r.id DESC",
         user_id))
    result.incoming.push_back(read_request(row));
  for (const auto& row : txn.exec_params(
         std::string{request_select} + "WHERE r.from_id = $1 ORDER BY r.created_at DESC, r.id DESC",
         user_id))
    result.outgoing.push_back(read_request(row));
  return result;
}

friend_outcome ask(db_connection& db, int64_t from, int64_t to) {
  if (from == to)
    throw store_error(chat_errc::invalid_input, "you cannot befriend yourself");
  pqxx::work txn{db.get()};
  // Both users' rows in id order: two crossing requests decide one after the other.
  auto locked =
    txn.exec_params("SELECT id FROM users WHERE id IN ($1, $2) ORDER BY id FOR UPDATE", from, to);
  if (locked.size() < 2)
    throw store_error(chat_errc::not_found, "user " + std::to_string(to) + " does not exist");
  if (blocked_between(txn, from, to))
    throw store_error(chat_errc::blocked, "one of you blocked the other");
  if (!txn.exec_params("SELECT 1 FROM friendships WHERE user_id = $1 AND friend_id = $2", from, to)
         .empty())
    throw store_error(chat_errc::conflict, "you are friends already");
  if (!txn.exec_params("SELECT 1 FROM friend_requests WHERE from_id = $1 AND to_id = $2", from, to)
         .empty())
    throw store_error(chat_errc::conflict, "you asked already");
  friend_outcome result;
  auto reverse = txn.exec_params(std::string{request_select} + "WHERE r.from_id = $1 AND "
                                                               "r.to_id = $2",
                                 to, from);
  if (!reverse.empty()) {
    // The other had asked: asking back is accepting.
    result.request = read_request(reverse[0]);
    befriend(txn, from, to);
    result.friends = true;
    result.new_friend = profile_in(txn, to);
  } else {
    auto id = txn
                .exec_params1("INSERT INTO friend_requests (from_id, to_id) VALUES ($1, $2) "
                              "RETURNING id",
                              from, to)[0]
                .as<int64_t>();
    result.request =
      read_request(txn.exec_params1(std::string{request_select} + "WHERE r.id = $1", id));
  }
  txn.commit();
  return result;
}

friend_outcome answer(db_connection& db, int64_t user_id, int64_t request_id, bool accept) {
  pqxx::work txn{db.get()};
  auto rows =
    txn.exec_params(std::string{request_select} + "WHERE r.id = $1 FOR UPDATE OF r", request_id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "no friend request " + std::to_string(request_id));
  friend_outcome result;
  result.request = read_request(rows[0]);
  if (result.request.to.id != user_id)
    throw store_error(chat_errc::forbidden, "only the addressee answers a friend request");
  if (accept) {
    befriend(txn, result.request.from.id, user_id);
    result.friends = true;
    result.new_friend = profile_in(txn, result.request.from.id);
  } else {
    txn.exec_params("DELETE FROM friend_requests WHERE id = $1", request_id);
  }
  txn.commit();
  return result;
}

bool unfriend(db_connection& db, int64_t user_id, int64_t friend_id) {
  pqxx::work txn{db.get()};
  auto removed = txn.exec_params("DELETE FROM friendships WHERE (user_id = $1 AND friend_id = $2) "
                                 "OR (user_id = $2 AND friend_id = $1)",
                                 user_id, friend_id);
  if (removed.affected_rows() == 0)
    throw store_error(chat_errc::not_found,
                      "user " + std::to_string(friend_id) + " is not your friend");
  txn.commit();
  return true;
}

std::vector<recommendation> recommend(db_connection& db, const recommendation_query& query) {
  pqxx::read_transaction txn{db.get()};
  auto me = query.user_id;
  std::unordered_set<int64_t> visited{me};
  std::unordered_set<int64_t> pending;
  std::vector<int64_t> frontier;
  for (const auto& row :
       txn.exec_params("SELECT friend_id FROM friendships WHERE user_id = $1", me))
    frontier.push_back(row[0].as<int64_t>());
  visited.insert(frontier.begin(), frontier.end());
  // Blocked either way: never shown, never walked through.
  for (const auto& row : txn.exec_params("SELECT blocked_id FROM user_blocks WHERE blocker_id = $1 "
                                         "UNION SELECT blocker_id FROM user_blocks WHERE "
                                         "blocked_id = $1",
                                         me))
    visited.insert(row[0].as<int64_t>());
  for (const auto& row : txn.exec_params("SELECT to_id FROM friend_requests WHERE from_id = $1 "
                                         "UNION SELECT from_id FROM friend_requests WHERE "
                                         "to_id = $1",
                                         me))
    pending.insert(row[0].as<int64_t>());
  std::vector<recommendation> found;
  auto limit = static_cast<size_t>(std::max(query.limit, 1));
  for (int32_t depth = 2; depth <= query.depth && !frontier.empty() && found.size() < limit;
       ++depth) {
    // One query for the whole level: every neighbor of the frontier, with the number of
    // frontier users it is a friend of (at depth 2, the friends in common with the caller).
    std::vector<int64_t> next;
    std::vector<recommendation> level;
    for (const auto& row : txn.exec_params("SELECT friend_id, count(*) FROM friendships WHERE "
                                           "user_id = ANY($1::bigint[]) GROUP BY friend_id",
                                           int_array(frontier))) {
      auto id = row[0].as<int64_t>();
      if (!visited.insert(id).second)
        continue;
      next.push_back(id);
      if (pending.count(id) == 0)
        level.push_back(
          recommendation{user{id, {}, {}}, depth, depth == 2 ? row[1].as<int32_t>() : 0});
    }
    std::sort(level.begin(), level.end(), [](const recommendation& a, const recommendation& b) {
      return a.mutual_friends != b.mutual_friends ? a.mutual_friends > b.mutual_friends
                                                  : a.account.id < b.account.id;
    });
    for (auto& x : level) {
      if (found.size() == limit)
        break;
      found.push_back(std::move(x));
    }
    frontier = std::move(next);
  }
  std::vector<int64_t> ids;
  for (auto& x : found)
    ids.push_back(x.account.id);
  std::map<int64_t, user> accounts;
  for (const auto& row : txn.exec_params(std::string{"SELECT "} + user_columns +
                                           " FROM users u WHERE u.id = ANY($1::bigint[])",
                                         int_array(ids)))
    accounts[row[0].as<int64_t>()] = read_user(row);
  for (auto& x : found)
    x.account = accounts[x.account.id];
  return found;
}

bool block(db_connection& db, int64_t user_id, int64_t target, bool blocked) {
  if (user_id == target)
    throw store_error(chat_errc::invalid_input, "you cannot block yourself");
  pqxx::work txn{db.get()};
  require_user(txn, target);
  if (blocked) {
    txn.exec_params("INSERT INTO user_blocks (blocker_id, blocked_id) VALUES ($1, $2) "
                    "ON CONFLICT DO NOTHING",
                    user_id, target);
    txn.exec_params("DELETE FROM friendships WHERE (user_id = $1 AND friend_id = $2) OR "
                    "(user_id = $2 AND friend_id = $1)",
                    user_id, target);
    txn.exec_params("DELETE FROM friend_requests WHERE (from_id = $1 AND to_id = $2) OR "
                    "(from_id = $2 AND to_id = $1)",
                    user_id, target);
  } else {
    txn.exec_params("DELETE FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2", user_id,
                    target);
  }
  txn.commit();
  return true;
}

std::vector<user> blocked(db_connection& db, int64_t user_id) {
  pqxx::read_transaction txn{db.get()};
  return users_of(txn.exec_params(std::string{"SELECT "} + user_columns +
                                    " FROM user_blocks b JOIN users u ON u.id = b.blocked_id "
                                    "WHERE b.blocker_id = $1 ORDER BY b.created_at DESC, u.id",
                                  user_id));
}

std::vector<int64_t> hidden_senders(db_connection& db, int64_t user_id) {
  pqxx::read_transaction txn{db.get()};
  std::vector<int64_t> result;
  for (const auto& row :
       txn.exec_params("SELECT blocked_id FROM user_blocks WHERE blocker_id = $1 UNION "
                       "SELECT blocker_id FROM user_blocks WHERE blocked_id = $1 ORDER BY 1",
                       user_id))
    result.push_back(row[0].as<int64_t>());
  return result;
}

} // namespace chat::people_queries
