// A unit of blocking database work and the detached worker that runs it: the plumbing of
// every store, cheap to include (no libpqxx).
#pragma once

#include <functional>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>

#include "protocol/atoms.hpp"

namespace chat {

/// One PostgreSQL connection owned by a persistence worker (persistence/db/connection.hpp).
class db_connection;

/// A unit of blocking database work. Runs on a detached worker, on that worker's connection;
/// throws on failure. Results travel back through state captured by the job.
using db_job = std::function<void(db_connection&)>;

/// A detached worker that owns one connection and runs blocking jobs on it.
using db_worker_actor = caf::typed_actor<
  // Runs a job on this worker's connection; true when it finished.
  caf::replies_to<run_atom, db_job>::with<bool>>;

} // namespace chat

// Jobs carry closures over local state: they never leave the node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chat::db_job)
