// The rooms active on this node: activates a room actor on first use, forgets it when it
// passivates (after a handshake, so a passivating room is never handed out) or stops.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "actors/room.hpp"
#include "actors/settings.hpp"
#include "protocol/interfaces.hpp"

namespace chat {

struct room_manager_state {
  static inline const char* name = "room_manager";

  room_settings settings;
  message_store_actor messages;
  room_store_actor rooms_store;
  subscriber_actor updates;
  std::unordered_map<int64_t, room_actor> rooms;
  std::map<caf::actor_addr, int64_t> by_address;
  /// Rooms handing off -> the requests waiting for them to stop.
  std::map<caf::actor_addr, std::vector<caf::typed_response_promise<bool>>> handoffs;
};

room_manager_actor::behavior_type
room_manager(room_manager_actor::stateful_pointer<room_manager_state> self, room_settings settings,
             message_store_actor messages, room_store_actor rooms, subscriber_actor updates = {});

} // namespace chat
