// The messages store actor: a front that batches requests for its detached workers.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/db/pool.hpp"
#include "persistence/db/store_settings.hpp"
#include "persistence/messages/message_queries.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/message.hpp"

namespace chat {

struct message_store_state {
  static inline const char* name = "message_store";

  store_settings settings;
  db_pool<message_store_actor::stateful_pointer<message_store_state>> pool;
  batch_queue<chat_message, insert_outcome> inserts;
  batch_queue<message_queries::finalize_request, bool> finalizes;
  batch_queue<std::string, bool> deletes;
  batch_queue<std::string, bool> marks;
  batch_queue<chat_message, bool> applies;
  batch_queue<message_queries::snapshot_request, room_snapshot> snapshots;
  std::deque<db_pool_job> singles;
  size_t turn = 0;

  message_store_state();

  std::optional<db_pool_job> next_job();
};

message_store_actor::behavior_type
message_store(message_store_actor::stateful_pointer<message_store_state> self,
              store_settings settings);

} // namespace chat
