// A detached actor that owns one PostgreSQL connection and runs blocking jobs on it.
#pragma once

#include <memory>
#include <string>

#include "persistence/db_connection.hpp"
#include "protocol/interfaces.hpp"

namespace chat {

struct db_worker_state {
  static inline const char* name = "db_worker";
  std::unique_ptr<db_connection> connection;
};

/// Spawn with caf::detached: jobs block on the network.
db_worker_actor::behavior_type db_worker(db_worker_actor::stateful_pointer<db_worker_state> self,
                                         std::string dsn);

} // namespace chat
