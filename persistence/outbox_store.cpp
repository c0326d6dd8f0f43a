#include "persistence/outbox_store.hpp"

#include "persistence/outbox_queries.hpp"

namespace chat {

outbox_store_actor::behavior_type
outbox_store(outbox_store_actor::stateful_pointer<outbox_store_state> self,
             store_settings settings) {
  self->state.pool.start(self, settings.dsn, settings.pool_size,
                         [self]() -> std::optional<db_pool_job> {
                           auto& singles = self->state.singles;
                           if (singles.empty())
                             return std::nullopt;
                           auto job = std::move(singles.front());
                           singles.pop_front();
                           return job;
                         });
  // Queues a job and hands work to idle workers.
  auto single = [self](auto query, auto promise) {
    self->state.singles.push_back(single_job(std::move(query), promise));
    self->state.pool.dispatch();
    return promise;
  };
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  return {
      [=](claim_atom, int32_t limit, std::string node, caf::timespan lease) {
        auto lease_ms = duration_cast<milliseconds>(lease);
        return single(
            [limit, node, lease_ms](db_connection& db) {
              return outbox_queries::claim(db, limit, node, lease_ms);
            },
            self->make_response_promise<std::vector<outbox_event>>());
      },
      [=](published_atom, std::vector<int64_t> ids) {
        return single([ids](db_connection& db) { return outbox_queries::mark_published(db, ids); },
                      self->make_response_promise<int32_t>());
      },
      [=](failed_atom, std::vector<publish_failure> failures, int32_t max_attempts,
          caf::timespan backoff) {
        auto backoff_ms = duration_cast<milliseconds>(backoff);
        return single(
            [failures, max_attempts, backoff_ms](db_connection& db) {
              return outbox_queries::record_failures(db, failures, max_attempts, backoff_ms);
            },
            self->make_response_promise<int32_t>());
      },
      [=](stats_atom) {
        return single([](db_connection& db) { return outbox_queries::stats(db); },
                      self->make_response_promise<outbox_stats>());
      },
  };
}

} // namespace chat
