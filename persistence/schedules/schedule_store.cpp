#include "persistence/schedules/schedule_store.hpp"

#include "persistence/schedules/schedule_queries.hpp"

namespace chat {

schedule_store_actor::behavior_type
schedule_store(schedule_store_actor::stateful_pointer<schedule_store_state> self,
               store_settings settings) {
  self->state.pool.start(self, settings.dsn, settings.pool_size,
                         single_jobs_of(self->state.singles));
  return {
    [=](schedule_atom, scheduled_message draft) {
      return queue_single(
        self->state, [draft](db_connection& db) { return schedule_queries::create(db, draft); },
        self->make_response_promise<scheduled_message>());
    },
    [=](schedules_atom, int64_t user, int64_t room) {
      return queue_single(
        self->state,
        [user, room](db_connection& db) { return schedule_queries::list(db, user, room); },
        self->make_response_promise<std::vector<scheduled_message>>());
    },
    [=](schedule_set_atom, schedule_change change) {
      return queue_single(
        self->state, [change](db_connection& db) { return schedule_queries::modify(db, change); },
        self->make_response_promise<scheduled_message>());
    },
    [=](schedule_cancel_atom, int64_t user, int64_t id) {
      return queue_single(
        self->state,
        [user, id](db_connection& db) {
          schedule_queries::cancel(db, user, id);
          return true;
        },
        self->make_response_promise<bool>());
    },
    [=](claim_due_atom, std::string node, int64_t now, int64_t lease, int32_t limit) {
      return queue_single(
        self->state,
        [node, now, lease, limit](db_connection& db) {
          return schedule_queries::claim(db, node, now, lease, limit);
        },
        self->make_response_promise<std::vector<scheduled_message>>());
    },
    [=](occurrence_done_atom, std::string node, occurrence_outcome outcome) {
      return queue_single(
        self->state,
        [node, outcome](db_connection& db) { return schedule_queries::finish(db, node, outcome); },
        self->make_response_promise<bool>());
    },
    [=](occurrence_retry_atom, std::string node, int64_t id, int64_t occurrence, int64_t retry_at) {
      return queue_single(
        self->state,
        [node, id, occurrence, retry_at](db_connection& db) {
          return schedule_queries::release(db, node, id, occurrence, retry_at);
        },
        self->make_response_promise<bool>());
    },
    [=](release_claims_atom, std::string node) {
      return queue_single(
        self->state, [node](db_connection& db) { return schedule_queries::release_node(db, node); },
        self->make_response_promise<int64_t>());
    },
  };
}

} // namespace chat
