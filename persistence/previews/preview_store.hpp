// The preview cache's store actor (rooms database): one worker of its own.
#pragma once

#include <deque>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/db/pool.hpp"
#include "persistence/db/store_settings.hpp"
#include "protocol/interfaces/stores.hpp"

namespace chat {

struct preview_store_state {
  static inline const char* name = "preview_store";

  db_pool<preview_store_actor::stateful_pointer<preview_store_state>> pool;
  std::deque<db_pool_job> singles;
};

preview_store_actor::behavior_type
preview_store(preview_store_actor::stateful_pointer<preview_store_state> self,
              store_settings settings);

} // namespace chat
