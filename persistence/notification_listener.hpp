// Waits for `NOTIFY outbox` on its own connection and wakes the outbox relay. Detached: it
// blocks in short, bounded waits so that it still reads its mailbox (and exits) promptly.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "protocol/interfaces.hpp"

namespace chat {

class outbox_notification_receiver;
class db_connection;

struct notification_listener_state {
  static inline const char* name = "notification_listener";

  outbox_relay_actor relay;
  std::unique_ptr<db_connection> connection;
  std::unique_ptr<outbox_notification_receiver> receiver;
  bool notified = false;

  notification_listener_state();
  ~notification_listener_state();
};

notification_listener_actor::behavior_type notification_listener(
    notification_listener_actor::stateful_pointer<notification_listener_state> self,
    std::string dsn, outbox_relay_actor relay);

} // namespace chat
