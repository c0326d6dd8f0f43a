#include "persistence/db_connection.hpp"

namespace chat {

db_connection::db_connection(std::string dsn) : dsn_(std::move(dsn)) {
  // nop
}

db_connection::~db_connection() = default;

pqxx::connection& db_connection::get() {
  if (conn_ && !conn_->is_open())
    conn_.reset();
  if (!conn_)
    conn_ = std::make_unique<pqxx::connection>(dsn_);
  return *conn_;
}

void db_connection::reset() {
  conn_.reset();
}

bool db_connection::connected() const {
  return conn_ && conn_->is_open();
}

} // namespace chat
