// Placement of rooms on nodes: rendezvous (highest random weight) hashing of the room id over
// the live members. Every node computes the same home from the same member set, and a change
// of members moves only the rooms of the node that left (or the rooms the new node wins).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chat {

/// The weight of a node for a room; stable across processes and builds.
uint64_t placement_weight(const std::string& node_id, int64_t room_id);

/// The home of a room among the nodes (the one with the highest weight); "" if there are none.
std::string home_of(int64_t room_id, const std::vector<std::string>& nodes);

} // namespace chat
