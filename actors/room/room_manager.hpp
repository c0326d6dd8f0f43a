// The rooms active on this node: activates a room actor on first use, forgets it when it
// passivates (after a handshake, so a passivating room is never handed out) or stops.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/room/room.hpp"
#include "actors/room/room_settings.hpp"
#include "protocol/interfaces/background.hpp"
#include "protocol/interfaces/delivery.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"

namespace chat {

struct room_manager_state {
  static inline const char* name = "room_manager";

  room_settings settings;
  message_store_actor messages;
  commit_store_actor commits;
  subscriber_actor fanout;
  previewer_actor previewer;
  /// Shared by this node's rooms: messages in flight over all of them.
  std::shared_ptr<admission_gate> gate;
  std::unordered_map<int64_t, room_actor> rooms;
  std::map<caf::actor_addr, int64_t> by_address;
  /// Rooms handing off -> the requests waiting for them to stop.
  std::map<caf::actor_addr, std::vector<caf::typed_response_promise<bool>>> handoffs;
};

room_manager_actor::behavior_type
room_manager(room_manager_actor::stateful_pointer<room_manager_state> self, room_settings settings,
             message_store_actor messages, commit_store_actor commits, subscriber_actor fanout = {},
             previewer_actor previewer = {});

} // namespace chat
