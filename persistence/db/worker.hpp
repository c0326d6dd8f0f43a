// A detached actor that owns one PostgreSQL connection and runs blocking jobs on it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <caf/error.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/db/job.hpp"

namespace chat {

struct db_worker_state {
  static inline const char* name = "db_worker";
  std::unique_ptr<db_connection> connection;

  db_worker_state();
  ~db_worker_state();
};

/// Spawn with caf::detached: jobs block on the network.
db_worker_actor::behavior_type db_worker(db_worker_actor::stateful_pointer<db_worker_state> self,
                                         std::string dsn);

/// Runs blocking store code and maps its exceptions to chat errors: store_error keeps its
/// code, a connection lost during COMMIT is store_in_doubt, lost before is unavailable (the
/// connection is dropped for a reconnect), other SQL errors are store_failed. `crashed` is set
/// when a fault point armed to crash fired: the caller's actor must stop.
caf::error run_guarded(db_connection& conn, const std::function<void()>& work, bool& crashed);

} // namespace chat
