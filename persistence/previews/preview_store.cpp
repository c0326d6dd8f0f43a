#include "persistence/previews/preview_store.hpp"

#include "persistence/previews/preview_queries.hpp"

namespace chat {

preview_store_actor::behavior_type
preview_store(preview_store_actor::stateful_pointer<preview_store_state> self,
              store_settings settings) {
  self->state.pool.start(self, settings.dsn, settings.pool_size,
                         single_jobs_of(self->state.singles));
  return {
    [=](cached_preview_atom, std::string url, int64_t ttl_ms) {
      return queue_single(
        self->state,
        [url, ttl_ms](db_connection& db) { return preview_queries::cached(db, url, ttl_ms); },
        self->make_response_promise<std::string>());
    },
    [=](cache_preview_atom, std::string url, std::string preview) {
      return queue_single(
        self->state,
        [url, preview](db_connection& db) {
          preview_queries::store(db, url, preview);
          return true;
        },
        self->make_response_promise<bool>());
    },
  };
}

} // namespace chat
