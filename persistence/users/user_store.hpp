// The user store actor (users live in the rooms database): its own small worker pool, so that
// sign-ups and logins never queue behind room commits.
#pragma once

#include <deque>
#include <optional>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/db/pool.hpp"
#include "persistence/messages/message_store.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/people.hpp"
#include "protocol/types/user.hpp"

namespace chat {

struct user_store_state {
  static inline const char* name = "user_store";

  db_pool<user_store_actor::stateful_pointer<user_store_state>> pool;
  std::deque<db_pool_job> singles;
};

user_store_actor::behavior_type
user_store(user_store_actor::stateful_pointer<user_store_state> self, store_settings settings);

} // namespace chat
