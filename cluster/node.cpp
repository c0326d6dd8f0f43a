#include "cluster/node.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/room/room_manager.hpp"
#include "persistence/db/notification_listener.hpp"
#include "persistence/db/worker.hpp"
#include "persistence/membership/membership_store.hpp"
#include "persistence/messages/message_store.hpp"
#include "persistence/previews/preview_store.hpp"
#include "persistence/rooms/commit_store.hpp"
#include "persistence/schedules/schedule_store.hpp"
#include "persistence/streamer/notification_store.hpp"
#include "persistence/streamer/streamer_queries.hpp"
#include "persistence/users/user_store.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/event_json.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/streamer.hpp"

namespace chat {

node_actors start_node(caf::actor_system& sys, node_settings settings,
                       std::function<bool(int64_t sender)> may_send) {
  settings.room.node = settings.node_id;
  settings.cluster.self.id = settings.node_id;
  settings.scheduler.node = settings.node_id;
  node_actors result;
  // Each store has its own workers: a slow REST query never queues behind (or in front of)
  // a saga step, and sign-ups never wait for room commits.
  result.messages = sys.spawn(message_store, settings.db.messages());
  result.commits = sys.spawn(commit_store, settings.db.commits());
  result.membership = sys.spawn(membership_store, settings.db.membership());
  result.users = sys.spawn(user_store, settings.db.users());
  {
    // Sessions that a crash of this node left counted are stale: forgotten before any opens.
    caf::scoped_actor self{sys};
    self
      ->request(result.users, std::chrono::seconds(30), clear_sessions_atom::value,
                settings.node_id)
      .receive([](bool) {},
               [](caf::error& err) {
                 spdlog::warn("presence: cannot clear this node's sessions: {}", describe(err));
               });
  }
  // The fan-out and the rooms refer to each other: the fan-out gets the directory afterwards.
  result.fanout = sys.spawn(fanout, settings.fanout);
  if (settings.previews.enabled) {
    result.preview_cache = sys.spawn(preview_store, settings.db.previews());
    result.previewer = sys.spawn(previewer, settings.previews, result.preview_cache);
  }
  result.room_manager =
    sys.spawn(room_manager, settings.room, result.messages, result.commits,
              caf::actor_cast<subscriber_actor>(result.fanout), result.previewer);
  if (settings.cluster.self.cluster_port != 0)
    result.cluster_db =
      sys.spawn<caf::detached>(db_worker, settings.db.session_dsn(settings.db.rooms_dsn));
  result.directory = sys.spawn(cluster_directory, settings.cluster, result.room_manager,
                               result.fanout, result.cluster_db);
  caf::anon_send(result.fanout, caf::actor_cast<room_directory_actor>(result.directory),
                 result.messages);
  if (result.previewer)
    caf::anon_send(result.previewer, caf::actor_cast<room_directory_actor>(result.directory));
  result.sweeper = sys.spawn(recovery_sweeper, settings.recovery, result.messages, result.commits);
  result.schedules = sys.spawn(schedule_store, settings.db.schedules());
  if (settings.scheduler.enabled) {
    auto fanout = result.fanout;
    scheduler_deps deps{result.schedules, caf::actor_cast<room_directory_actor>(result.directory),
                        std::move(may_send),
                        [fanout](int64_t sender, const status_event& status) {
                          // The sender's sessions show it on /topic/message/status/{roomId}.
                          caf::anon_send(fanout, user_delivery{{sender},
                                                               message_status_queue,
                                                               encode_status(status),
                                                               status.room_id});
                        },
                        [] { return now_ms(); }};
    result.scheduler = sys.spawn(scheduler, settings.scheduler, std::move(deps));
  }
  if (settings.relay_enabled)
    result.relay = sys.spawn(outbox_relay, settings.relay, settings.kafka,
                             settings.db.session_dsn(settings.db.rooms_dsn));
  if (!settings.db.streamer_dsn.empty()) {
    result.notifications = sys.spawn(notification_store, settings.db.streamer());
    // chat-streamer NOTIFYs each new notification when its batch commits; every node pushes
    // it to the sessions it holds of the mentioned user.
    auto fanout = result.fanout;
    result.mention_listener = sys.spawn<caf::detached>(
      notification_listener, settings.db.session_dsn(settings.db.streamer_dsn),
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
  stop(actors.scheduler);
  stop(actors.previewer);
  stop(actors.preview_cache);
  stop(actors.schedules);
  stop(actors.sweeper);
  stop(actors.directory);
  stop(actors.cluster_db);
  stop(actors.room_manager);
  stop(actors.fanout);
  stop(actors.users);
  stop(actors.membership);
  stop(actors.commits);
  stop(actors.messages);
}

} // namespace chat
