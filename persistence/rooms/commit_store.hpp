// The commit store: the rooms database as the saga and the room actors use it. Batches room
// commits of many rooms into one transaction and room claims likewise; decisions, dead
// letters and the room's own reads are single jobs. Its worker pool serves nothing else, so
// no REST query ever waits in front of a saga step.
#pragma once

#include <deque>
#include <optional>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/db/pool.hpp"
#include "persistence/db/store_settings.hpp"
#include "persistence/rooms/change_queries.hpp"
#include "persistence/rooms/room_queries.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/change.hpp"
#include "protocol/types/room.hpp"

namespace chat {

struct commit_store_state {
  static inline const char* name = "commit_store";

  store_settings settings;
  db_pool<commit_store_actor::stateful_pointer<commit_store_state>> pool;
  batch_queue<room_commit, commit_result> commits;
  batch_queue<room_queries::claim_request, room_claim> claims;
  batch_queue<change_batch, change_result> changes;
  batch_queue<change_queries::applied_marks, bool> applied;
  std::deque<db_pool_job> singles;
  size_t turn = 0;

  commit_store_state();

  std::optional<db_pool_job> next_job();
};

commit_store_actor::behavior_type
commit_store(commit_store_actor::stateful_pointer<commit_store_state> self,
             store_settings settings);

} // namespace chat
