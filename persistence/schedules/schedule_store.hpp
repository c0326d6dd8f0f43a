// The schedule store actor (schedules live in the rooms database): its own worker, so that the
// scheduler's claims never queue behind room commits or REST queries.
#pragma once

#include <deque>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/db/pool.hpp"
#include "persistence/db/store_settings.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/schedule.hpp"

namespace chat {

struct schedule_store_state {
  static inline const char* name = "schedule_store";

  db_pool<schedule_store_actor::stateful_pointer<schedule_store_state>> pool;
  std::deque<db_pool_job> singles;
};

schedule_store_actor::behavior_type
schedule_store(schedule_store_actor::stateful_pointer<schedule_store_state> self,
               store_settings settings);

} // namespace chat
