// Waits for PostgreSQL notifications of one channel (LISTEN) on its own connection and hands
// them to a callback. Detached: it blocks in short, bounded waits so that it still reads its
// mailbox (and exits) promptly; a broken connection is reopened after a second.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "protocol/interfaces/background.hpp"

namespace chat {

class channel_receiver;
class db_connection;

struct notification_callbacks {
  /// Each notification's payload.
  std::function<void(const std::string& payload)> on_notification;
  /// Listening (again): notifications sent meanwhile were missed.
  std::function<void()> on_listening;
};

struct notification_listener_state {
  static inline const char* name = "notification_listener";

  std::string channel;
  notification_callbacks callbacks;
  std::unique_ptr<db_connection> connection;
  std::unique_ptr<channel_receiver> receiver;
  std::vector<std::string> received;

  notification_listener_state();
  ~notification_listener_state();
};

notification_listener_actor::behavior_type notification_listener(
  notification_listener_actor::stateful_pointer<notification_listener_state> self, std::string dsn,
  std::string channel, notification_callbacks callbacks);

} // namespace chat
