#include "persistence/messages/message_store.hpp"

#include "persistence/db/sql_util.hpp"
#include "persistence/messages/message_queries.hpp"

namespace chat {

message_store_state::message_store_state()
    : inserts(message_queries::insert_pending), finalizes(message_queries::finalize),
      deletes(message_queries::remove), marks(message_queries::mark_compensating),
      applies(message_queries::apply_changes), snapshots(message_queries::snapshots) {
  // nop
}

std::optional<db_pool_job> message_store_state::next_job() {
  return next_job_round_robin(turn, settings.max_batch, singles, inserts, finalizes, deletes, marks,
                              applies, snapshots);
}

message_store_actor::behavior_type
message_store(message_store_actor::stateful_pointer<message_store_state> self,
              store_settings settings) {
  self->state.settings = settings;
  self->state.pool.start(self, settings.dsn, settings.pool_size,
                         [self] { return self->state.next_job(); });
  return {
    [=](insert_atom, chat_message& msg) {
      return queue_batched(self->state, self->state.inserts, std::move(msg),
                           self->make_response_promise<insert_outcome>());
    },
    [=](finalize_atom, std::string& id, int64_t version) {
      return queue_batched(self->state, self->state.finalizes,
                           message_queries::finalize_request{std::move(id), version},
                           self->make_response_promise<bool>());
    },
    [=](delete_atom, std::string& id) {
      return queue_batched(self->state, self->state.deletes, std::move(id),
                           self->make_response_promise<bool>());
    },
    [=](mark_atom, std::string& id) {
      return queue_batched(self->state, self->state.marks, std::move(id),
                           self->make_response_promise<bool>());
    },
    [=](history_atom, history_query query) {
      return queue_single(
        self->state, [query](db_connection& db) { return message_queries::history(db, query); },
        self->make_response_promise<history_page>());
    },
    [=](find_atom, int64_t sender, std::string temp_id) {
      return queue_single(
        self->state,
        [sender, temp_id](db_connection& db) { return message_queries::find(db, sender, temp_id); },
        self->make_response_promise<std::vector<chat_message>>());
    },
    [=](snapshot_atom, int64_t room, int32_t recent) {
      return queue_batched(self->state, self->state.snapshots,
                           message_queries::snapshot_request{room, recent},
                           self->make_response_promise<room_snapshot>());
    },
    [=](pending_atom, caf::timespan age, int32_t limit) {
      auto min_age = std::chrono::duration_cast<std::chrono::milliseconds>(age);
      return queue_single(
        self->state,
        [min_age, limit](db_connection& db) {
          return message_queries::pending(db, min_age, limit);
        },
        self->make_response_promise<std::vector<chat_message>>());
    },
    [=](apply_atom, chat_message& msg) {
      return queue_batched(self->state, self->state.applies, std::move(msg),
                           self->make_response_promise<bool>());
    },
    [=](message_atom, std::string id) {
      return queue_single(
        self->state, [id](db_connection& db) { return message_queries::by_id(db, id); },
        self->make_response_promise<chat_message>());
    },
    [=](messages_atom, std::vector<std::string> ids) {
      return queue_single(
        self->state, [ids](db_connection& db) { return message_queries::by_ids(db, ids); },
        self->make_response_promise<std::vector<chat_message>>());
    },
    [=](thread_atom, thread_query query) {
      return queue_single(
        self->state, [query](db_connection& db) { return message_queries::thread_page(db, query); },
        self->make_response_promise<history_page>());
    },
    [=](threads_atom, int64_t room, std::string parent, int32_t limit) {
      return queue_single(
        self->state,
        [room, parent, limit](db_connection& db) {
          return message_queries::threads(db, room, parent, limit);
        },
        self->make_response_promise<std::vector<thread_summary>>());
    },
    [=](search_atom, search_query query) {
      return queue_single(
        self->state, [query](db_connection& db) { return message_queries::search(db, query); },
        self->make_response_promise<std::vector<chat_message>>());
    },
    [=](ping_atom) {
      return queue_single(
        self->state, [](db_connection& db) { return ping(db); },
        self->make_response_promise<bool>());
    },
  };
}

} // namespace chat
