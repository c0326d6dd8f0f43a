// The membership store: rooms and members as the REST API and the gateway read and change
// them (rooms database), on a worker pool of its own, apart from the saga's commit store.
#pragma once

#include <deque>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/db/pool.hpp"
#include "persistence/db/store_settings.hpp"
#include "protocol/interfaces/stores.hpp"
// Spawning the store needs the complete types of its interface.
#include "protocol/types/room_admin.hpp"

namespace chat {

struct membership_store_state {
  static inline const char* name = "membership_store";

  db_pool<membership_store_actor::stateful_pointer<membership_store_state>> pool;
  std::deque<db_pool_job> singles;
};

membership_store_actor::behavior_type
membership_store(membership_store_actor::stateful_pointer<membership_store_state> self,
                 store_settings settings);

} // namespace chat
