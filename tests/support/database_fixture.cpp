#include "tests/support/database_fixture.hpp"

#include <atomic>
#include <cstdlib>
#include <unistd.h>

#include <pqxx/pqxx>

#include "persistence/db/migrations.hpp"
#include "persistence/membership/membership_queries.hpp"
#include "persistence/membership/room_admin_queries.hpp"
#include "persistence/users/user_queries.hpp"

namespace chat::test {

std::string test_server_dsn() {
  if (auto env = std::getenv("CHAT_TEST_PG"); env != nullptr && *env != '\0')
    return env;
  return "host=127.0.0.1 port=5499 user=shoot";
}

namespace {

std::string unique_name(const char* kind) {
  static std::atomic<int> counter{0};
  return "it_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" + kind;
}

} // namespace

database_fixture::database_fixture()
    : messages_dsn(with_database(test_server_dsn(), unique_name("messages"))),
      rooms_dsn(with_database(test_server_dsn(), unique_name("rooms"))), messages_db(messages_dsn),
      rooms_db(rooms_dsn) {
  for (auto* dsn : {&messages_dsn, &rooms_dsn}) {
    ensure_database(*dsn);
    databases_.push_back(database_name(*dsn));
  }
  migrate(messages_dsn, database_kind::messages);
  migrate(rooms_dsn, database_kind::rooms);
}

database_fixture::~database_fixture() {
  messages_db.reset();
  rooms_db.reset();
  try {
    pqxx::connection conn{with_database(test_server_dsn(), "postgres")};
    pqxx::nontransaction txn{conn};
    for (auto& name : databases_)
      txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(name) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The server may be gone already; the cluster is thrown away anyway.
  }
}

std::string database_fixture::make_streamer_database() {
  auto dsn = with_database(test_server_dsn(), unique_name("streamer"));
  ensure_database(dsn);
  databases_.push_back(database_name(dsn));
  migrate(dsn, database_kind::streamer);
  return dsn;
}

user database_fixture::make_user(const std::string& name) {
  return user_queries::create(rooms_db, name, name, "not-a-hash");
}

int64_t database_fixture::make_room(const std::vector<int64_t>& members) {
  std::vector<int64_t> others(members.begin() + 1, members.end());
  return room_admin_queries::create_rooms(rooms_db, members.front(),
                                          {{"test room", "GROUP", others}})
    .front()
    .room.id;
}

int64_t database_fixture::rooms_value(const std::string& sql) {
  pqxx::read_transaction txn{rooms_db.get()};
  auto row = txn.exec1(sql);
  return row[0].is_null() ? 0 : row[0].as<int64_t>();
}

int64_t database_fixture::messages_value(const std::string& sql) {
  pqxx::read_transaction txn{messages_db.get()};
  auto row = txn.exec1(sql);
  return row[0].is_null() ? 0 : row[0].as<int64_t>();
}

} // namespace chat::test
