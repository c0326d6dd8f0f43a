// Reads chat-streamer's store for chatd: the mention notifications of a user. One small worker
// pool of its own, so that these reads never queue behind chat writes.
#pragma once

#include <deque>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/db/pool.hpp"
#include "persistence/db/store_settings.hpp"
#include "protocol/interfaces/stores.hpp"

namespace chat {

struct notification_store_state {
  static inline const char* name = "notification_store";

  db_pool<notification_store_actor::stateful_pointer<notification_store_state>> pool;
  std::deque<db_pool_job> singles;
};

notification_store_actor::behavior_type
notification_store(notification_store_actor::stateful_pointer<notification_store_state> self,
                   store_settings settings);

} // namespace chat
