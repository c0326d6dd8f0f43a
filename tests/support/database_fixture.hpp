// Fresh, migrated messages and rooms databases on the throwaway test PostgreSQL (started by
// the CTest fixture "postgres"; its address comes from CHAT_TEST_PG), dropped afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/db/connection.hpp"
#include "protocol/types/room.hpp"

namespace chat::test {

/// The test server, e.g. "host=127.0.0.1 port=5499 user=shoot".
std::string test_server_dsn();

class database_fixture {
public:
  database_fixture();
  ~database_fixture();

  std::string messages_dsn;
  std::string rooms_dsn;

  /// Connections for checks made directly in SQL.
  db_connection messages_db;
  db_connection rooms_db;

  /// Creates a user named `name` (password hash irrelevant here).
  user make_user(const std::string& name);

  /// Creates a GROUP room with these members.
  int64_t make_room(const std::vector<int64_t>& members);

  /// A single value from the rooms database / the messages database.
  int64_t rooms_value(const std::string& sql);
  int64_t messages_value(const std::string& sql);

  /// Creates and migrates a streamer store (chat-streamer's database); returns its DSN.
  std::string make_streamer_database();

private:
  std::vector<std::string> databases_;
};

} // namespace chat::test
