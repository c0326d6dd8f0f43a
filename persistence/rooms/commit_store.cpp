#include "persistence/rooms/commit_store.hpp"

#include "persistence/db/sql_util.hpp"
#include "persistence/rooms/change_queries.hpp"
#include "persistence/rooms/room_queries.hpp"
#include "protocol/types/outbox.hpp"
#include "protocol/types/saga.hpp"

namespace chat {

commit_store_state::commit_store_state()
    : commits(room_queries::commit), claims(room_queries::claim), changes(change_queries::change),
      applied(change_queries::applied) {
  // nop
}

std::optional<db_pool_job> commit_store_state::next_job() {
  return next_job_round_robin(turn, settings.max_batch, singles, commits, claims, changes, applied);
}

commit_store_actor::behavior_type
commit_store(commit_store_actor::stateful_pointer<commit_store_state> self,
             store_settings settings) {
  auto& st = self->state;
  st.settings = settings;
  st.pool.start(self, settings.dsn, settings.pool_size, [self] { return self->state.next_job(); });
  return {
    [=](claim_atom, int64_t room, std::string node) {
      auto& st = self->state;
      return queue_batched(st, st.claims, room_queries::claim_request{room, std::move(node)},
                           self->make_response_promise<room_claim>());
    },
    [=](commit_atom, room_commit& request) {
      auto& st = self->state;
      return queue_batched(st, st.commits, std::move(request),
                           self->make_response_promise<commit_result>());
    },
    [=](resolve_atom, int64_t room, std::string message_id, bool abort) {
      return queue_single(
        self->state,
        [room, message_id, abort](db_connection& db) {
          return room_queries::resolve(db, room, message_id, abort);
        },
        self->make_response_promise<resolution>());
    },
    [=](dead_atom, saga_dead_letter letter) {
      return queue_single(
        self->state,
        [letter](db_connection& db) {
          room_queries::record_dead_letter(db, letter);
          return true;
        },
        self->make_response_promise<bool>());
    },
    [=](dead_list_atom, int32_t limit) {
      return queue_single(
        self->state, [limit](db_connection& db) { return room_queries::dead_letters(db, limit); },
        self->make_response_promise<std::vector<saga_dead_letter>>());
    },
    [=](dead_done_atom, std::string message_id) {
      return queue_single(
        self->state,
        [message_id](db_connection& db) {
          return room_queries::resolve_dead_letter(db, message_id);
        },
        self->make_response_promise<bool>());
    },
    [=](metadata_atom, int64_t room) {
      return queue_single(
        self->state, [room](db_connection& db) { return room_queries::get(db, room); },
        self->make_response_promise<room_metadata>());
    },
    [=](members_atom, int64_t room) {
      return queue_single(
        self->state, [room](db_connection& db) { return room_queries::members(db, room); },
        self->make_response_promise<std::vector<room_member>>());
    },
    [=](backlog_atom) {
      return queue_single(
        self->state, [](db_connection& db) { return room_queries::outbox_counts(db); },
        self->make_response_promise<outbox_stats>());
    },
    [=](change_atom, change_batch& request) {
      auto& st = self->state;
      return queue_batched(st, st.changes, std::move(request),
                           self->make_response_promise<change_result>());
    },
    [=](stale_applies_atom, caf::timespan age, int32_t limit) {
      auto min_age = std::chrono::duration_cast<std::chrono::milliseconds>(age);
      return queue_single(
        self->state,
        [min_age, limit](db_connection& db) {
          return change_queries::pending_applies(db, min_age, limit);
        },
        self->make_response_promise<std::vector<chat_message>>());
    },
    [=](applied_atom, std::vector<std::string> ids, std::vector<int64_t> versions) {
      auto& st = self->state;
      return queue_batched(st, st.applied,
                           change_queries::applied_marks{std::move(ids), std::move(versions)},
                           self->make_response_promise<bool>());
    },
    [=](pins_atom, int64_t room) {
      return queue_single(
        self->state, [room](db_connection& db) { return change_queries::pins(db, room); },
        self->make_response_promise<std::vector<room_pin>>());
    },
    [=](ping_atom) {
      return queue_single(
        self->state, [](db_connection& db) { return ping(db); },
        self->make_response_promise<bool>());
    },
  };
}

} // namespace chat
