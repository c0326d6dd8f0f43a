#include "persistence/previews/preview_queries.hpp"

#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"

namespace chat::preview_queries {

std::string cached(db_connection& db, const std::string& url, int64_t ttl_ms) {
  pqxx::read_transaction txn{db.get()};
  auto rows = txn.exec_params("SELECT preview::text FROM url_previews WHERE url = $1 AND "
                              "fetched_at > now() - $2::bigint * interval '1 millisecond'",
                              url, ttl_ms);
  return rows.empty() ? std::string{} : rows[0][0].as<std::string>();
}

void store(db_connection& db, const std::string& url, const std::string& preview_json) {
  pqxx::work txn{db.get()};
  txn.exec_params("INSERT INTO url_previews (url, preview) VALUES ($1, $2::json) ON CONFLICT "
                  "(url) DO UPDATE SET preview = EXCLUDED.preview, fetched_at = now()",
                  url, preview_json);
  txn.commit();
}

} // namespace chat::preview_queries
