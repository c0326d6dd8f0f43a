// What receives a room's output: the sender of a message (its statuses) and the subscribers
// of the room (a node's fan-out, or a test).
#pragma once

#include <cstdint>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>

#include "protocol/atoms.hpp"
#include "protocol/fwd.hpp"

namespace chat {

/// Whoever sends a message: receives its status events.
using status_sink_actor = caf::typed_actor<
  // A status of one of the sink's messages.
  caf::reacts_to<status_event>>;

/// Receives what rooms publish: a node's fan-out (or a test).
using subscriber_actor = caf::typed_actor<
  // A committed message (in seq order), or a typing or presence event.
  caf::reacts_to<room_broadcast>,
  // A room changed: its members' room lists (with their unread counts) need an update.
  caf::reacts_to<room_update>,
  // Users left a room (room, users): their subscriptions to it end.
  caf::reacts_to<left_atom, int64_t, std::vector<int64_t>>>;

} // namespace chat
