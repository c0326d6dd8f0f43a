// The rooms store actor: batches room commits of many rooms into one transaction (one
// savepoint per room) and runs the other room queries on its detached workers.
#pragma once

#include <deque>
#include <optional>

#include "persistence/db_pool.hpp"
#include "persistence/message_store.hpp"
#include "persistence/room_queries.hpp"
#include "protocol/interfaces.hpp"

namespace chat {

struct room_store_state {
  static inline const char* name = "room_store";

  store_settings settings;
  db_pool<room_store_actor::stateful_pointer<room_store_state>> pool;
  batch_queue<room_commit, commit_result> commits;
  batch_queue<room_queries::claim_request, room_claim> claims;
  std::deque<db_pool_job> singles;
  size_t turn = 0;

  room_store_state();

  std::optional<db_pool_job> next_job();
};

room_store_actor::behavior_type
room_store(room_store_actor::stateful_pointer<room_store_state> self, store_settings settings);

} // namespace chat
