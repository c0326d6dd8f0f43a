// One PostgreSQL connection, owned by one persistence worker, reconnected after failures.
#pragma once

#include <memory>
#include <set>
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

  /// Prepares `sql` as statement `name` once per physical connection (hot statements are
  /// planned once instead of per batch). Call before starting the transaction that uses it.
  void prepare(const std::string& name, const std::string& sql);

  const std::string& dsn() const { return dsn_; }

private:
  std::string dsn_;
  std::unique_ptr<pqxx::connection> conn_;
  std::set<std::string> prepared_;
};

} // namespace chat
