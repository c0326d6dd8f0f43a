#include "persistence/db/worker.hpp"

#include <pqxx/except>
#include <spdlog/spdlog.h>

#include "persistence/db/connection.hpp"
#include "persistence/db/store_error.hpp"
#include "protocol/errors.hpp"

namespace chat {

db_worker_state::db_worker_state() = default;

db_worker_state::~db_worker_state() = default;

caf::error run_guarded(db_connection& conn, const std::function<void()>& work, bool& crashed) {
  crashed = false;
  try {
    work();
    return {};
  } catch (const worker_crash& e) {
    crashed = true;
    return make_error(chat_errc::worker_crashed, e.what());
  } catch (const store_error& e) {
    return make_error(e.code(), e.what());
  } catch (const pqxx::in_doubt_error& e) {
    // The connection broke during COMMIT: the outcome is unknown to us.
    conn.reset();
    return make_error(chat_errc::store_in_doubt, e.what());
  } catch (const pqxx::broken_connection& e) {
    // Broke before COMMIT: the transaction certainly rolled back.
    conn.reset();
    return make_error(chat_errc::unavailable, e.what());
  } catch (const std::exception& e) {
    if (!conn.connected())
      return make_error(chat_errc::unavailable, e.what());
    return make_error(chat_errc::store_failed, e.what());
  }
}

db_worker_actor::behavior_type db_worker(db_worker_actor::stateful_pointer<db_worker_state> self,
                                         std::string dsn) {
  self->state.connection = std::make_unique<db_connection>(std::move(dsn));
  return {
    [=](run_atom, db_job& job) -> caf::result<bool> {
      auto& conn = *self->state.connection;
      bool crashed = false;
      auto reused = conn.connected();
      auto err = run_guarded(
        conn, [&] { job(conn); }, crashed);
      // A connection that broke while idle (PostgreSQL restarted) fails at its first use,
      // before any transaction could commit: the job runs once more on a fresh connection.
      if (reused && !crashed && code_of(err) == chat_errc::unavailable)
        err = run_guarded(
          conn, [&] { job(conn); }, crashed);
      if (crashed) {
        spdlog::warn("{} {}: {}", self->name(), self->id(), describe(err));
        self->quit(err);
      }
      if (err)
        return err;
      return true;
    },
  };
}

} // namespace chat
