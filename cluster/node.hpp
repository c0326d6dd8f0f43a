// One node of the cluster: the actors it runs (stores, rooms, outbox relay, recovery) and
// how they start and stop. The gateway and the programs build on this.
#pragma once

#include <string>

#include <caf/fwd.hpp>

#include "actors/settings.hpp"
#include "cluster/cluster_directory.hpp"
#include "persistence/kafka_client.hpp"
#include "persistence/message_store.hpp"
#include "protocol/interfaces.hpp"

namespace chat {

struct node_settings {
  std::string node_id = "node-1";
  store_settings messages;
  store_settings rooms;
  room_settings room;
  relay_settings relay;
  recovery_settings recovery;
  kafka_settings kafka;
  /// Run the outbox relay (off for benchmarks of the database alone).
  bool relay_enabled = true;
  /// chat-streamer's store: its mention notifications are pushed to sessions and listed by
  /// REST. Empty: no notifications.
  std::string streamer_dsn;
  /// The node's place in the cluster (its id is node_id).
  cluster_settings cluster;
};

/// The running actors of a node.
struct node_actors {
  message_store_actor messages;
  room_store_actor rooms;
  user_store_actor users;
  fanout_actor fanout;
  room_manager_actor room_manager;
  /// Where rooms are found, on this node or another; the node's root (published when the
  /// node has a cluster port).
  cluster_directory_actor directory;
  /// The membership table's connection (published nodes only).
  db_worker_actor membership_db;
  outbox_relay_actor relay;
  recovery_sweeper_actor sweeper;
  /// With a streamer store only.
  notification_store_actor notifications;
  notification_listener_actor mention_listener;
};

/// Spawns the actors of a node. The node settings' ids are copied into each component.
node_actors start_node(caf::actor_system& sys, node_settings settings);

/// Sends every actor of the node an exit message (the actor system then waits for them).
void stop_node(node_actors& actors);

} // namespace chat
