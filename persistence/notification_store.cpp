#include "persistence/notification_store.hpp"

#include "persistence/streamer_queries.hpp"

namespace chat {

notification_store_actor::behavior_type
notification_store(notification_store_actor::stateful_pointer<notification_store_state> self,
                   store_settings settings) {
  self->state.pool.start(self, settings.dsn, settings.pool_size,
                         single_jobs_of(self->state.singles));
  return {
    [=](list_atom, int64_t user, int32_t limit) {
      auto promise = self->make_response_promise<std::vector<mention_notification>>();
      self->state.singles.push_back(single_job(
        [user, limit](db_connection& db) {
          return streamer_queries::notifications_of(db, user, limit);
        },
        promise));
      self->state.pool.dispatch();
      return promise;
    },
  };
}

} // namespace chat
