#include "cluster/node.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/outbox_relay.hpp"
#include "actors/recovery_sweeper.hpp"
#include "actors/room_manager.hpp"
#include "cluster/fanout.hpp"
#include "persistence/db_worker.hpp"
#include "persistence/notification_listener.hpp"
#include "persistence/notification_store.hpp"
#include "persistence/room_store.hpp"
#include "persistence/streamer_queries.hpp"
#include "persistence/user_store.hpp"

namespace chat {

node_actors start_node(caf::actor_system& sys, node_settings settings) {
  settings.room.node = settings.node_id;
  settings.relay.node = settings.node_id;
  node_actors result;
  result.messages = sys.spawn(message_store, settings.messages);
  result.rooms = sys.spawn(room_store, settings.rooms);
  // Sign-ups and logins get their own small pool: they never wait behind room commits.
  result.users =
    sys.spawn(user_store, store_settings{settings.rooms.dsn, 1, settings.rooms.max_batch});
  // The fan-out and the rooms refer to each other: the fan-out gets the directory afterwards.
  result.fanout = sys.spawn(fanout);
  result.room_manager = sys.spawn(room_manager, settings.room, result.messages, result.rooms,
                                  caf::actor_cast<subscriber_actor>(result.fanout));
  settings.cluster.self.id = settings.node_id;
  if (settings.cluster.self.cluster_port != 0)
    result.membership_db = sys.spawn<caf::detached>(db_worker, settings.rooms.dsn);
  result.directory = sys.spawn(cluster_directory, settings.cluster, result.room_manager,
                               result.fanout, result.membership_db);
  caf::anon_send(result.fanout, caf::actor_cast<room_directory_actor>(result.directory),
                 result.messages);
  result.sweeper = sys.spawn(recovery_sweeper, settings.recovery, result.messages, result.rooms);
  if (settings.relay_enabled)
    result.relay = sys.spawn(outbox_relay, settings.relay, settings.kafka, settings.rooms.dsn);
  if (!settings.streamer_dsn.empty()) {
    result.notifications =
      sys.spawn(notification_store, store_settings{settings.streamer_dsn, 1, 1});
    // chat-streamer NOTIFYs each new notification when its batch commits; every node pushes
    // it to the sessions it holds of the mentioned user.
    auto fanout = result.fanout;
    result.mention_listener = sys.spawn<caf::detached>(
      notification_listener, settings.streamer_dsn,
      std::string{streamer_queries::notification_channel},
      notification_callbacks{[fanout](const std::string& payload) {
                               if (auto notification = notification_from_json(payload))
                                 caf::anon_send(fanout, std::move(*notification));
                             },
                             nullptr});
  }
  return result;
}

void stop_node(node_actors& actors) {
  auto stop = [](const auto& hdl) {
    if (hdl)
      caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
  };
  stop(actors.mention_listener);
  stop(actors.notifications);
  stop(actors.relay);
  stop(actors.sweeper);
  stop(actors.directory);
  stop(actors.membership_db);
  stop(actors.room_manager);
  stop(actors.fanout);
  stop(actors.users);
  stop(actors.rooms);
  stop(actors.messages);
}

} // namespace chat
