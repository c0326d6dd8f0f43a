// Versioned schema migrations of the three databases, applied at start-up: one SQL file per
// change under persistence/db/migrations/<database>/NNNN_<name>.sql.
#pragma once

#include <string>
#include <vector>

namespace chat {

enum class database_kind { messages, rooms, streamer };

const char* to_string(database_kind x);

struct migration {
  int version;
  std::string name;
  std::string sql;
};

/// One file of persistence/db/migrations/<database>/, compiled in (cmake/embed_migrations.cmake).
struct embedded_migration {
  const char* database;
  int version;
  const char* name;
  const char* sql;
};

/// Every embedded migration file, of every database.
const std::vector<embedded_migration>& embedded_migrations();

/// The migrations of a database, ascending by version.
const std::vector<migration>& migrations_of(database_kind kind);

/// Applies the missing migrations of `kind` to the database at `dsn`, each in its own
/// transaction, under an advisory lock (nodes starting together migrate once). Returns the
/// number applied. Throws on failure.
int migrate(const std::string& dsn, database_kind kind);

/// The database name of a libpq connection string; empty if it has none.
std::string database_name(const std::string& dsn);

/// `dsn` with its database replaced by `dbname`.
std::string with_database(const std::string& dsn, const std::string& dbname);

/// Creates the database of `dsn` unless it exists (connecting to the `postgres` database of
/// the same server). Returns true if it was created.
bool ensure_database(const std::string& dsn);

} // namespace chat
