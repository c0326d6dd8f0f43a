#include "persistence/db/migrations.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <libpq-fe.h>
#include <pqxx/pqxx>

namespace chat {

const char* to_string(database_kind x) {
  switch (x) {
  case database_kind::messages:
    return "messages";
  case database_kind::rooms:
    return "rooms";
  case database_kind::streamer:
    return "streamer";
  }
  return "unknown";
}

const std::vector<migration>& migrations_of(database_kind kind) {
  static const auto by_kind = [] {
    std::map<std::string, std::vector<migration>> result;
    for (auto& x : embedded_migrations())
      result[x.database].push_back(migration{x.version, x.name, x.sql});
    for (auto& [database, list] : result)
      std::sort(list.begin(), list.end(),
                [](const migration& a, const migration& b) { return a.version < b.version; });
    return result;
  }();
  static const std::vector<migration> none;
  auto i = by_kind.find(to_string(kind));
  return i == by_kind.end() ? none : i->second;
}

int migrate(const std::string& dsn, database_kind kind) {
  pqxx::connection conn{dsn};
  {
    pqxx::work txn{conn};
    txn.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
             "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    txn.commit();
  }
  int applied = 0;
  for (auto& step : migrations_of(kind)) {
    pqxx::work txn{conn};
    // Serializes nodes that start together; released at commit.
    txn.exec("SELECT pg_advisory_xact_lock(7365227)");
    auto done = txn.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", step.version);
    if (!done.empty())
      continue;
    txn.exec(step.sql);
    txn.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", step.version,
                    step.name);
    txn.commit();
    ++applied;
  }
  return applied;
}

namespace {

/// Parses a connection string with libpq itself (both key=value and URI forms).
std::vector<std::pair<std::string, std::string>> parse_dsn(const std::string& dsn) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (options == nullptr) {
    std::string what = error != nullptr ? error : "malformed connection string";
    PQfreemem(error);
    throw std::invalid_argument(what);
  }
  std::vector<std::pair<std::string, std::string>> result;
  for (auto* opt = options; opt->keyword != nullptr; ++opt)
    if (opt->val != nullptr)
      result.emplace_back(opt->keyword, opt->val);
  PQconninfoFree(options);
  return result;
}

std::string quote_value(const std::string& value) {
  std::string result = "'";
  for (auto c : value) {
    if (c == '\'' || c == '\\')
      result += '\\';
    result += c;
  }
  result += "'";
  return result;
}

} // namespace

std::string database_name(const std::string& dsn) {
  for (auto& [key, value] : parse_dsn(dsn))
    if (key == "dbname")
      return value;
  return {};
}

std::string with_database(const std::string& dsn, const std::string& dbname) {
  std::string result;
  bool replaced = false;
  for (auto& [key, value] : parse_dsn(dsn)) {
    if (!result.empty())
      result += ' ';
    result += key;
    result += '=';
    if (key == "dbname") {
      result += quote_value(dbname);
      replaced = true;
    } else {
      result += quote_value(value);
    }
  }
  if (!replaced)
    result += (result.empty() ? "dbname=" : " dbname=") + quote_value(dbname);
  return result;
}

bool ensure_database(const std::string& dsn) {
  auto name = database_name(dsn);
  if (name.empty())
    throw std::invalid_argument("connection string names no database: " + dsn);
  pqxx::connection conn{with_database(dsn, "postgres")};
  pqxx::nontransaction txn{conn};
  if (!txn.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", name).empty())
    return false;
  try {
    txn.exec("CREATE DATABASE " + txn.quote_name(name));
  } catch (const pqxx::sql_error& e) {
    // Another node created it at the same moment.
    if (e.sqlstate() != "42P04")
      throw;
    return false;
  }
  return true;
}

} // namespace chat
