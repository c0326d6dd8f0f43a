#include "persistence/users/user_store.hpp"

#include "persistence/db/sql_util.hpp"
#include "persistence/db/store_error.hpp"
#include "persistence/users/people_queries.hpp"
#include "persistence/users/presence_queries.hpp"
#include "persistence/users/session_queries.hpp"
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
    [=](refresh_start_atom, int64_t user_id, std::string token_id, std::string family,
        int64_t expires_at) {
      return queue_single(
        self->state,
        [=](db_connection& db) {
          session_queries::start(db, user_id, token_id, family, expires_at);
          return true;
        },
        self->make_response_promise<bool>());
    },
    [=](refresh_rotate_atom, std::string token_id, std::string next_id, int64_t expires_at) {
      return queue_single(
        self->state,
        [=](db_connection& db) {
          return session_queries::rotate(db, token_id, next_id, expires_at);
        },
        self->make_response_promise<int64_t>());
    },
    [=](refresh_end_atom, std::string token_id) {
      return queue_single(
        self->state, [=](db_connection& db) { return session_queries::end(db, token_id); },
        self->make_response_promise<bool>());
    },
    [=](user_atom, int64_t id) {
      return queue_single(
        self->state, [id](db_connection& db) { return user_queries::get(db, id); },
        self->make_response_promise<user>());
    },
    [=](profile_atom, int64_t viewer, int64_t id) {
      return queue_single(
        self->state,
        [viewer, id](db_connection& db) { return people_queries::get_profile(db, viewer, id); },
        self->make_response_promise<profile>());
    },
    [=](profile_set_atom, int64_t id, profile_update update) {
      return queue_single(
        self->state,
        [id, update](db_connection& db) { return people_queries::update_profile(db, id, update); },
        self->make_response_promise<profile>());
    },
    [=](status_set_atom, int64_t id, std::string status, std::string message) {
      return queue_single(
        self->state,
        [id, status, message](db_connection& db) {
          return people_queries::set_status(db, id, status, message);
        },
        self->make_response_promise<profile>());
    },
    [=](user_search_atom, int64_t viewer, std::string prefix, int32_t limit) {
      return queue_single(
        self->state,
        [viewer, prefix, limit](db_connection& db) {
          return people_queries::search(db, viewer, prefix, limit);
        },
        self->make_response_promise<std::vector<user>>());
    },
    [=](friends_atom, int64_t id) {
      return queue_single(
        self->state, [id](db_connection& db) { return people_queries::friends(db, id); },
        self->make_response_promise<std::vector<profile>>());
    },
    [=](friend_requests_atom, int64_t id) {
      return queue_single(
        self->state, [id](db_connection& db) { return people_queries::requests(db, id); },
        self->make_response_promise<friend_requests>());
    },
    [=](befriend_atom, int64_t from, int64_t to) {
      return queue_single(
        self->state, [from, to](db_connection& db) { return people_queries::ask(db, from, to); },
        self->make_response_promise<friend_outcome>());
    },
    [=](friend_answer_atom, int64_t id, int64_t request, bool accept) {
      return queue_single(
        self->state,
        [id, request, accept](db_connection& db) {
          return people_queries::answer(db, id, request, accept);
        },
        self->make_response_promise<friend_outcome>());
    },
    [=](unfriend_atom, int64_t id, int64_t other) {
      return queue_single(
        self->state,
        [id, other](db_connection& db) { return people_queries::unfriend(db, id, other); },
        self->make_response_promise<bool>());
    },
    [=](recommend_atom, recommendation_query query) {
      return queue_single(
        self->state, [query](db_connection& db) { return people_queries::recommend(db, query); },
        self->make_response_promise<std::vector<recommendation>>());
    },
    [=](block_atom, int64_t id, int64_t target, bool blocked) {
      return queue_single(
        self->state,
        [id, target, blocked](db_connection& db) {
          return people_queries::block(db, id, target, blocked);
        },
        self->make_response_promise<bool>());
    },
    [=](hidden_senders_atom, int64_t user) {
      return queue_single(
        self->state, [user](db_connection& db) { return people_queries::hidden_senders(db, user); },
        self->make_response_promise<std::vector<int64_t>>());
    },
    [=](user_session_atom, int64_t user, std::string node, int32_t delta) {
      return queue_single(
        self->state,
        [user, node, delta](db_connection& db) {
          presence_queries::session_changed(db, user, node, delta);
          return true;
        },
        self->make_response_promise<bool>());
    },
    [=](clear_sessions_atom, std::string node) {
      return queue_single(
        self->state,
        [node](db_connection& db) {
          presence_queries::clear_node(db, node);
          return true;
        },
        self->make_response_promise<bool>());
    },
    [=](blocked_atom, int64_t id) {
      return queue_single(
        self->state, [id](db_connection& db) { return people_queries::blocked(db, id); },
        self->make_response_promise<std::vector<user>>());
    },
    [=](ping_atom) {
      return queue_single(
        self->state, [](db_connection& db) { return ping(db); },
        self->make_response_promise<bool>());
    },
  };
}

} // namespace chat
