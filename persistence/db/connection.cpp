#include "persistence/db/connection.hpp"

namespace chat {

db_connection::db_connection(std::string dsn) : dsn_(std::move(dsn)) {
  // nop
}

db_connection::~db_connection() = default;

pqxx::connection& db_connection::get() {
  if (conn_ && !conn_->is_open())
    reset();
  if (!conn_)
    conn_ = std::make_unique<pqxx::connection>(dsn_);
  return *conn_;
}

void db_connection::reset() {
  conn_.reset();
  prepared_.clear();
}

bool db_connection::connected() const {
  return conn_ && conn_->is_open();
}

void db_connection::prepare(const std::string& name, const std::string& sql) {
  auto& conn = get();
  if (prepared_.insert(name).second)
    conn.prepare(name, sql);
}

} // namespace chat
