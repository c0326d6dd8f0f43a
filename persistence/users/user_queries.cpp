#include "persistence/users/user_queries.hpp"

#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/store_error.hpp"

namespace chat::user_queries {

user create(db_connection& db, const std::string& username, const std::string& nickname,
            const std::string& password_hash) {
  pqxx::work txn{db.get()};
  auto rows = txn.exec_params("INSERT INTO users (username, nickname, password_hash) "
                              "VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING RETURNING id",
                              username, nickname, password_hash);
  if (rows.empty())
    throw store_error(chat_errc::conflict, "username " + username + " is taken");
  txn.commit();
  return user{rows[0][0].as<int64_t>(), username, nickname};
}

std::optional<user_credentials> find_by_name(db_connection& db, const std::string& username) {
  pqxx::read_transaction txn{db.get()};
  auto rows = txn.exec_params("SELECT id, username, nickname, password_hash FROM users "
                              "WHERE username = $1",
                              username);
  if (rows.empty())
    return std::nullopt;
  return user_credentials{
    user{rows[0][0].as<int64_t>(), rows[0][1].as<std::string>(), rows[0][2].as<std::string>()},
    rows[0][3].as<std::string>()};
}

user get(db_connection& db, int64_t id) {
  pqxx::read_transaction txn{db.get()};
  auto rows = txn.exec_params("SELECT id, username, nickname FROM users WHERE id = $1", id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "user " + std::to_string(id) + " does not exist");
  return user{rows[0][0].as<int64_t>(), rows[0][1].as<std::string>(), rows[0][2].as<std::string>()};
}

} // namespace chat::user_queries
