// One PostgreSQL connection, owned by one persistence worker, reconnected after failures.
#pragma once

#include <memory>
#include <string>

#include <pqxx/connection>

namespace chat {

class db_connection {
public:
  explicit db_connection(std::string dsn);
  ~db_connection();

  /// The live connection; connects first if there is none. Throws pqxx::broken_connection.
  pqxx::connection& get();

  /// Drops the connection (after it broke); the next get() reconnects.
  void reset();

  bool connected() const;

  const std::string& dsn() const { return dsn_; }

private:
  std::string dsn_;
  std::unique_ptr<pqxx::connection> conn_;
};

} // namespace chat
