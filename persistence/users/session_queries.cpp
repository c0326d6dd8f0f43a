#include "persistence/users/session_queries.hpp"

#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/store_error.hpp"
#include "protocol/errors.hpp"
#include "protocol/uuid.hpp"

namespace chat::session_queries {

namespace {

constexpr const char* insert_sql =
  "INSERT INTO refresh_tokens (token_id, family_id, user_id, expires_at) "
  "VALUES ($1::uuid, $2::uuid, $3, to_timestamp($4))";

} // namespace

void start(db_connection& db, int64_t user_id, const std::string& token_id,
           const std::string& family_id, int64_t expires_at) {
  pqxx::work txn{db.get()};
  // Expired tokens are of no use to anyone: a login takes a few of them away.
  txn.exec("DELETE FROM refresh_tokens WHERE token_id IN (SELECT token_id FROM refresh_tokens "
           "WHERE expires_at < now() LIMIT 10)");
  txn.exec_params(insert_sql, token_id, family_id, user_id, expires_at);
  txn.commit();
}

int64_t rotate(db_connection& db, const std::string& token_id, const std::string& next_id,
               int64_t next_expires_at) {
  if (!is_uuid(token_id))
    throw store_error(chat_errc::unauthorized, "refresh token revoked or unknown");
  pqxx::work txn{db.get()};
  auto rows = txn.exec_params("SELECT user_id, family_id::text, used_at IS NOT NULL, "
                              "expires_at <= now() FROM refresh_tokens WHERE token_id = $1::uuid "
                              "FOR UPDATE",
                              token_id);
  if (rows.empty())
    throw store_error(chat_errc::unauthorized, "refresh token revoked or unknown");
  auto user_id = rows[0][0].as<int64_t>();
  auto family = rows[0][1].as<std::string>();
  if (rows[0][2].as<bool>()) {
    txn.exec_params("DELETE FROM refresh_tokens WHERE family_id = $1::uuid", family);
    txn.commit();
    throw store_error(chat_errc::unauthorized,
                      "refresh token used twice: the login it belongs to is ended");
  }
  if (rows[0][3].as<bool>())
    throw store_error(chat_errc::unauthorized, "refresh token expired");
  txn.exec_params("UPDATE refresh_tokens SET used_at = now() WHERE token_id = $1::uuid", token_id);
  txn.exec_params(insert_sql, next_id, family, user_id, next_expires_at);
  txn.commit();
  return user_id;
}

bool end(db_connection& db, const std::string& token_id) {
  if (!is_uuid(token_id))
    return false;
  pqxx::work txn{db.get()};
  auto ended = txn.exec_params("DELETE FROM refresh_tokens WHERE family_id = (SELECT family_id "
                               "FROM refresh_tokens WHERE token_id = $1::uuid)",
                               token_id);
  txn.commit();
  return ended.affected_rows() > 0;
}

} // namespace chat::session_queries
