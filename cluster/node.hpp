// One node of the cluster: the actors it runs (stores, rooms, outbox relay, recovery) and
// how they start and stop. The gateway and the programs build on this.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include "actors/background/outbox_relay.hpp"
#include "actors/background/previewer.hpp"
#include "actors/background/recovery_sweeper.hpp"
#include "actors/background/scheduler.hpp"
#include "actors/room/room_settings.hpp"
#include "cluster/cluster_directory.hpp"
#include "cluster/fanout.hpp"
#include "persistence/db/job.hpp"
#include "persistence/db/store_settings.hpp"
#include "persistence/kafka/kafka_client.hpp"
#include "protocol/interfaces/background.hpp"
#include "protocol/interfaces/cluster.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"

namespace chat {

/// The settings of a node's components (the sections of config/chatd.ini they own).
struct node_settings {
  /// [node] id: the owner of the rooms this node activates.
  std::string node_id = "node-1";
  database_settings db;
  room_settings room;
  relay_settings relay;
  recovery_settings recovery;
  scheduler_settings scheduler;
  preview_settings previews;
  kafka_settings kafka;
  fanout_settings fanout;
  cluster_settings cluster;
  /// Run the outbox relay (off for benchmarks of the database alone).
  bool relay_enabled = true;
};

/// The running actors of a node.
struct node_actors {
  message_store_actor messages;
  commit_store_actor commits;
  membership_store_actor membership;
  user_store_actor users;
  fanout_actor fanout;
  room_manager_actor room_manager;
  /// Where rooms are found, on this node or another; the node's root (published when the
  /// node has a cluster port).
  cluster_directory_actor directory;
  /// The membership table's connection (published nodes only).
  db_worker_actor cluster_db;
  outbox_relay_actor relay;
  recovery_sweeper_actor sweeper;
  schedule_store_actor schedules;
  /// With [schedules] enabled only.
  scheduler_actor scheduler;
  /// With [previews] enabled only.
  preview_store_actor preview_cache;
  previewer_actor previewer;
  /// With a streamer store only.
  notification_store_actor notifications;
  notification_listener_actor mention_listener;
};

/// Spawns the actors of a node. The node's id is copied into each component. `may_send` is the
/// senders' rate limit that scheduled messages take from too (none: unlimited).
node_actors start_node(caf::actor_system& sys, node_settings settings,
                       std::function<bool(int64_t sender)> may_send = {});

/// Sends every actor of the node an exit message (the actor system then waits for them).
void stop_node(node_actors& actors);

} // namespace chat
