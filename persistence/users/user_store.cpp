#include "persistence/users/user_store.hpp"

#include "persistence/db/sql_util.hpp"
#include "persistence/db/store_error.hpp"
#include "persistence/users/user_queries.hpp"

namespace chat {

user_store_actor::behavior_type
user_store(user_store_actor::stateful_pointer<user_store_state> self, store_settings settings) {
  self->state.pool.start(self, settings.dsn, settings.pool_size,
                         single_jobs_of(self->state.singles));
  return {
    [=](signup_atom, std::string username, std::string nickname, std::string hash) {
      return queue_single(
        self->state,
        [username, nickname, hash](db_connection& db) {
          return user_queries::create(db, username, nickname, hash);
        },
        self->make_response_promise<user>());
    },
    [=](login_atom, std::string username) {
      return queue_single(
        self->state,
        [username](db_connection& db) {
          auto found = user_queries::find_by_name(db, username);
          if (!found)
            throw store_error(chat_errc::not_found, "no user " + username);
          return *found;
        },
        self->make_response_promise<user_credentials>());
    },
    [=](user_atom, int64_t id) {
      return queue_single(
        self->state, [id](db_connection& db) { return user_queries::get(db, id); },
        self->make_response_promise<user>());
    },
    [=](ping_atom) {
      return queue_single(
        self->state, [](db_connection& db) { return ping(db); },
        self->make_response_promise<bool>());
    },
  };
}

} // namespace chat
