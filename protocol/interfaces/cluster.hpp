// A node's fan-out, its published root and its cluster directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>

#include "protocol/atoms.hpp"
#include "protocol/fwd.hpp"
#include "protocol/interfaces/compose.hpp"
#include "protocol/interfaces/gateway.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"

namespace chat {

/// What a fan-out offers the fan-outs of the other nodes.
using peer_fanout_actor = caf::typed_actor<
  // A room update forwarded by a peer's fan-out: delivered to local sessions only.
  caf::reacts_to<forward_atom, room_update>,
  // A user queue delivery forwarded by a peer's fan-out: delivered to local sessions only.
  caf::reacts_to<forward_atom, user_delivery>>;

/// A node's fan-out: subscribes once per room for all of the node's connections and hands
/// each broadcast (encoded once) to the local subscribers; reaches users' local sessions.
using fanout_actor =
  extend_handle_t<peer_fanout_actor,
                  // A room event (from a room this fan-out subscribed to).
                  caf::reacts_to<room_broadcast>,
                  // A room changed (from a room of this node): delivered to the local sessions of
                  // the listed members and forwarded to the peers' fan-outs.
                  caf::reacts_to<room_update>,
                  // A body for some users' queues: delivered to their local sessions and forwarded
                  // to the peers' fan-outs.
                  caf::reacts_to<user_delivery>,
                  // A user was mentioned: delivered to the user's local sessions.
                  caf::reacts_to<mention_notification>,
                  // Users left a room (room, users): their subscriptions to it end.
                  caf::reacts_to<left_atom, int64_t, std::vector<int64_t>>,
                  // Subscribes a connection of a user to a topic of a room (room id, room actor,
                  // topic, user, connection; membership checked); replies with the last seq this
                  // node delivered for the room (messages topic) before the subscription.
                  caf::replies_to<subscribe_atom, int64_t, room_actor, room_topic, int64_t,
                                  connection_actor>::with<int64_t>,
                  // Ends a connection's subscription to a room topic.
                  caf::reacts_to<unsubscribe_atom, int64_t, room_topic, connection_actor>,
                  // A user's session connected (user queues reach it from now on).
                  caf::reacts_to<session_atom, int64_t, connection_actor>,
                  // A user's session disconnected.
                  caf::reacts_to<session_end_atom, int64_t, connection_actor>,
                  // Number of local sessions.
                  caf::replies_to<sessions_atom>::with<int64_t>,
                  // Wires the room directory (once, at start-up: the fan-out and the rooms refer to
                  // each other) and the messages store, to re-resolve a room that stopped and fill
                  // the gap.
                  caf::reacts_to<room_directory_actor, message_store_actor>,
                  // The fan-outs of the other live nodes (replaces the previous list).
                  caf::reacts_to<peers_atom, std::vector<peer_fanout_actor>>>;

/// A node's published root: how the other nodes of the cluster reach it.
using node_root_actor = caf::typed_actor<
  // Introduces a peer (its info and fan-out); replies with this node's info and fan-out.
  caf::replies_to<hello_atom, node_info, fanout_actor>::with<node_info, fanout_actor>,
  // Activates a room here (this node is its home); replies with its actor.
  caf::replies_to<activate_atom, int64_t>::with<room_actor>,
  // Hands a room off if it is active here; true once it stopped (its sagas ended).
  caf::replies_to<handoff_atom, int64_t>::with<bool>,
  // Number of rooms active here.
  caf::replies_to<count_atom>::with<int64_t>>;

/// A node's cluster directory: places rooms on the live members (rendezvous hashing), keeps
/// the membership (table with lease, connections to the peers' roots) and is the node's root.
using cluster_directory_actor =
  extend_handle_t<merge_handles_t<room_directory_actor, node_root_actor>,
                  // The cluster as this node sees it.
                  caf::replies_to<cluster_atom>::with<std::vector<member_view>>,
                  // Heartbeat timer: renews the lease, reads the membership table, connects to new
                  // members.
                  caf::reacts_to<tick_atom>,
                  // Connects to a peer's root at host:port (seeds, members found in the table).
                  caf::reacts_to<caf::connect_atom, std::string, uint16_t>>;

} // namespace chat
