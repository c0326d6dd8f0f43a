// The outbox store actor, used by the outbox relay: claims, publication marks, failures.
#pragma once

#include <deque>
#include <optional>

#include "persistence/db_pool.hpp"
#include "persistence/message_store.hpp"
#include "protocol/interfaces.hpp"

namespace chat {

struct outbox_store_state {
  static inline const char* name = "outbox_store";

  db_pool<outbox_store_actor::stateful_pointer<outbox_store_state>> pool;
  std::deque<db_pool_job> singles;
};

outbox_store_actor::behavior_type
outbox_store(outbox_store_actor::stateful_pointer<outbox_store_state> self,
             store_settings settings);

} // namespace chat
