#include "persistence/streamer/notification_store.hpp"

#include "persistence/streamer/streamer_queries.hpp"
#include "protocol/types/streamer.hpp"

namespace chat {

notification_store_actor::behavior_type
notification_store(notification_store_actor::stateful_pointer<notification_store_state> self,
                   store_settings settings) {
  self->state.pool.start(self, settings.dsn, settings.pool_size,
                         single_jobs_of(self->state.singles));
  return {
    [=](mentions_atom, int64_t user, int32_t limit) {
      return queue_single(
        self->state,
        [user, limit](db_connection& db) {
          return streamer_queries::notifications_of(db, user, limit);
        },
        self->make_response_promise<std::vector<mention_notification>>());
    },
  };
}

} // namespace chat
