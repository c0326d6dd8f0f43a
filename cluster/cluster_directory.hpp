// A node's cluster directory and root actor. It places each room on its home node
// (rendezvous hashing over the live members), hands out the room's actor wherever it runs,
// and keeps the membership: a heartbeat with a lease in the membership table (how nodes find
// each other besides the seeds), a connection to every peer's published root (made with the
// middleman's asynchronous connect, never a blocking call) and a monitor on it (a cut
// connection is a down message). When the members change, rooms that belong elsewhere now are
// handed off after their sagas in flight; a room activates on its new home only once the
// other nodes released it (the owner epoch fences whatever does not).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/cluster/cluster_queries.hpp"
#include "persistence/db/job.hpp"
#include "protocol/interfaces/cluster.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/log_throttle.hpp"
#include "protocol/types/cluster.hpp"

namespace chat {

struct cluster_settings {
  /// This node as its peers reach it; cluster_port 0: the node is not published (a cluster of
  /// one, with no membership table row).
  node_info self{"", "127.0.0.1", 0, 0};
  /// Roots to connect to at start-up ("host:port").
  std::vector<std::string> seeds;
  /// Heartbeat (lease renewal, table read, connection attempts) interval.
  caf::timespan heartbeat = std::chrono::milliseconds(500);
  /// How long a heartbeat keeps a node in the membership table's live set.
  caf::timespan lease = std::chrono::seconds(5);
  /// Bound of the requests to peers (connect, hello, activate).
  caf::timespan request_timeout = std::chrono::seconds(10);
  /// How long a new home waits for the other nodes to release a room before it claims it
  /// anyway (the owner epoch then fences the old owner).
  caf::timespan handoff_timeout = std::chrono::seconds(5);

  /// [cluster]: the port, host, seeds and timing (self.id and self.http_port come from
  /// [node] and [http]).
  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

struct cluster_directory_state {
  static inline const char* name = "cluster_directory";

  cluster_directory_state() = default;

  struct peer {
    node_info info;
    node_root_actor root;
    fanout_actor fanout;
  };

  cluster_settings settings;
  /// A failing heartbeat (the database slow or gone) repeats twice a second: logged at most
  /// every 10 s, with the count of the failures in between.
  log_throttle heartbeat_log{std::chrono::seconds(10)};
  room_manager_actor manager;
  fanout_actor fanout;
  /// Runs the membership table's queries; invalid when the node is not published.
  db_worker_actor db;
  /// Connected peers by node id.
  std::map<std::string, peer> peers;
  /// host:port connections under way.
  std::set<std::pair<std::string, uint16_t>> connecting;
  /// The membership table as last read.
  std::vector<cluster_queries::member_row> table;
  /// Rooms that no other node holds since the last membership change: they activate here
  /// without asking the peers to release them.
  std::unordered_set<int64_t> released;
  /// Rooms waiting for the peers to release them, with the requests that wait.
  std::unordered_map<int64_t, std::vector<caf::typed_response_promise<room_actor>>> activating;
  /// Rooms waiting for the peers to release them -> the peers that have not answered. A peer
  /// that is lost meanwhile answers nothing (its requests never fail): it is taken off here.
  std::unordered_map<int64_t, std::set<std::string>> awaiting_release;
  /// Lookups sent to a peer (the room's home) and not answered yet, by token. A peer lost
  /// meanwhile never answers: its lookups are placed again on the members left.
  struct pending_lookup {
    std::string peer;
    int64_t room_id = 0;
    caf::typed_response_promise<room_actor> promise;
  };
  std::map<uint64_t, pending_lookup> lookups;
  uint64_t last_lookup = 0;

  /// Self and the connected peers.
  std::vector<std::string> live_members() const;
};

/// `db` may be invalid (no membership table: tests, a node that is not published).
cluster_directory_actor::behavior_type
cluster_directory(cluster_directory_actor::stateful_pointer<cluster_directory_state> self,
                  cluster_settings settings, room_manager_actor manager, fanout_actor fanout,
                  db_worker_actor db);

/// Parses "host:port"; false if it is not one.
bool parse_endpoint(const std::string& text, std::string& host, uint16_t& port);

} // namespace chat
