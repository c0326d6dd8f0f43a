// A node's fan-out: the one subscriber of each room for all of the node's connections. It
// hands each broadcast (its body shared, not copied) to the local subscribers of the topic,
// delivers room updates to the local sessions of the members, and keeps the messages topic
// gapless and free of duplicates when a room actor is replaced (it re-subscribes to the new
// one and fills the gap from the messages store).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "protocol/interfaces/cluster.hpp"
#include "protocol/interfaces/gateway.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/delivery.hpp"

namespace chat {

/// [fanout] in config/chatd.ini.
struct fanout_settings {
  /// Bound of the fan-out's requests to rooms, the directory and the messages store.
  caf::timespan request_timeout = std::chrono::seconds(15);
  /// Messages per page when a gap is filled from the store (a room actor was replaced).
  size_t gap_page = 500;

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

struct fanout_state {
  static inline const char* name = "fanout";

  // Not an aggregate: CAF would otherwise try to construct the state from the actor pointer.
  fanout_state() = default;

  struct local_subscriber {
    connection_actor connection;
    int64_t user = 0;
  };

  struct waiting_subscriber {
    room_topic topic;
    local_subscriber subscriber;
    caf::typed_response_promise<int64_t> promise;
  };

  struct room_entry {
    room_actor room;
    /// Last seq of the messages topic delivered on this node.
    int64_t last_seq = 0;
    /// The subscription to the room is under way: new subscribers wait.
    bool subscribing = false;
    /// A gap is being filled from the store: live messages wait.
    bool filling = false;
    std::vector<waiting_subscriber> waiting;
    std::vector<room_broadcast> held;
    std::map<room_topic, std::vector<local_subscriber>> subscribers;

    bool empty() const;
  };

  fanout_settings settings;
  room_directory_actor directory;
  message_store_actor messages;
  std::unordered_map<int64_t, room_entry> rooms;
  /// The fan-outs of the other live nodes: room updates reach their sessions too.
  std::vector<peer_fanout_actor> peers;
  /// User -> local sessions.
  std::unordered_map<int64_t, std::vector<connection_actor>> sessions;
};

fanout_actor::behavior_type fanout(fanout_actor::stateful_pointer<fanout_state> self,
                                   fanout_settings settings);

} // namespace chat
