#include "persistence/room_store.hpp"

#include "persistence/membership_queries.hpp"
#include "persistence/room_queries.hpp"
#include "persistence/sql_util.hpp"

namespace chat {

room_store_state::room_store_state() : commits(room_queries::commit), claims(room_queries::claim) {
  // nop
}

std::optional<db_pool_job> room_store_state::next_job() {
  return next_job_round_robin(turn, settings.max_batch, singles, commits, claims);
}

room_store_actor::behavior_type
room_store(room_store_actor::stateful_pointer<room_store_state> self, store_settings settings) {
  self->state.settings = settings;
  self->state.pool.start(self, settings.dsn, settings.pool_size,
                         [self] { return self->state.next_job(); });
  // Queues a single job and hands work to idle workers.
  auto single = [self](auto query, auto promise) {
    self->state.singles.push_back(single_job(std::move(query), promise));
    self->state.pool.dispatch();
    return promise;
  };
  return {
    [=](claim_atom, int64_t room, std::string node) {
      auto promise = self->make_response_promise<room_claim>();
      self->state.claims.push(room_queries::claim_request{room, std::move(node)}, promise);
      self->state.pool.dispatch();
      return promise;
    },
    [=](commit_atom, room_commit& request) {
      auto promise = self->make_response_promise<commit_result>();
      self->state.commits.push(std::move(request), promise);
      self->state.pool.dispatch();
      return promise;
    },
    [=](resolve_atom, int64_t room, std::string message_id, bool abort) {
      return single(
        [room, message_id, abort](db_connection& db) {
          return room_queries::resolve(db, room, message_id, abort);
        },
        self->make_response_promise<resolution>());
    },
    [=](dead_atom, saga_dead_letter letter) {
      return single(
        [letter](db_connection& db) {
          room_queries::record_dead_letter(db, letter);
          return true;
        },
        self->make_response_promise<bool>());
    },
    [=](dead_atom, list_atom, int32_t limit) {
      return single([limit](db_connection& db) { return room_queries::dead_letters(db, limit); },
                    self->make_response_promise<std::vector<saga_dead_letter>>());
    },
    [=](dead_atom, resolve_atom, std::string message_id) {
      return single(
        [message_id](db_connection& db) {
          return room_queries::resolve_dead_letter(db, message_id);
        },
        self->make_response_promise<bool>());
    },
    [=](get_atom, int64_t room) {
      return single([room](db_connection& db) { return room_queries::get(db, room); },
                    self->make_response_promise<room_metadata>());
    },
    [=](members_atom, int64_t room) {
      return single([room](db_connection& db) { return room_queries::members(db, room); },
                    self->make_response_promise<std::vector<room_member>>());
    },
    [=](stats_atom) {
      return single([](db_connection& db) { return room_queries::outbox_counts(db); },
                    self->make_response_promise<outbox_stats>());
    },
    [=](create_atom, std::string title, std::string type, int64_t creator,
        std::vector<int64_t> participants) {
      return single(
        [title, type, creator, participants](db_connection& db) {
          return membership_queries::create_room(db, title, type, creator, participants);
        },
        self->make_response_promise<room_view>());
    },
    [=](list_atom, int64_t user) {
      return single([user](db_connection& db) { return membership_queries::rooms_of(db, user); },
                    self->make_response_promise<std::vector<room_view>>());
    },
    [=](get_atom, int64_t room, int64_t user) {
      return single(
        [room, user](db_connection& db) { return membership_queries::view(db, room, user); },
        self->make_response_promise<room_view>());
    },
    [=](join_atom, int64_t room, std::vector<int64_t> users) {
      return single(
        [room, users](db_connection& db) {
          membership_queries::add_members(db, room, users);
          return true;
        },
        self->make_response_promise<bool>());
    },
    [=](leave_atom, int64_t room, int64_t user) {
      return single(
        [room, user](db_connection& db) {
          return membership_queries::remove_member(db, room, user);
        },
        self->make_response_promise<bool>());
    },
    [=](read_atom, int64_t room, int64_t user, int64_t seq) {
      return single(
        [room, user, seq](db_connection& db) {
          return membership_queries::mark_read(db, room, user, seq);
        },
        self->make_response_promise<room_view>());
    },
    [=](ping_atom) {
      return single([](db_connection& db) { return ping(db); },
                    self->make_response_promise<bool>());
    },
  };
}

} // namespace chat
