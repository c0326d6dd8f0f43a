// chat-bench's change phases: edits and reactions of saved messages through the room actors
// (each change one event in its room's version order, batched per room like sends).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "protocol/interfaces/room.hpp"
#include "protocol/types/change.hpp"

namespace chat::bench {

/// A saved message the change phases may change.
struct saved_message {
  std::string id;
  int64_t sender_id = 0;
};

struct change_figures {
  size_t done = 0;
  size_t failed = 0;
  double seconds = 0;
  std::vector<int64_t> latencies_us;
};

/// Makes `per_room` changes in every room, `window` in flight per room: edits by each
/// message's sender, or reactions (added and removed in turn) by the room's `members`.
change_figures run_changes(caf::actor_system& sys, const std::vector<room_actor>& rooms,
                           const std::vector<std::vector<saved_message>>& messages,
                           const std::vector<int64_t>& members, change_kind kind, size_t per_room,
                           size_t window);

/// The change of operation `n` of a room (the mixed phase of the send driver uses it too).
message_change change_for(const std::vector<saved_message>& messages,
                          const std::vector<int64_t>& members, change_kind kind, size_t n);

} // namespace chat::bench
