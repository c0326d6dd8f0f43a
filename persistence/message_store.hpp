// The messages store actor: a front that batches requests for its detached workers.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include "persistence/db_pool.hpp"
#include "persistence/message_queries.hpp"
#include "protocol/interfaces.hpp"

namespace chat {

struct store_settings {
  std::string dsn;
  /// Workers, each with its own connection.
  size_t pool_size = 4;
  /// Most requests of one kind written in one transaction.
  size_t max_batch = 512;
};

struct message_store_state {
  static inline const char* name = "message_store";

  store_settings settings;
  db_pool<message_store_actor::stateful_pointer<message_store_state>> pool;
  batch_queue<chat_message, insert_outcome> inserts;
  batch_queue<std::string, bool> finalizes;
  batch_queue<std::string, bool> deletes;
  batch_queue<std::string, bool> marks;
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
