// The outbox relay of a node: wakes on NOTIFY outbox (and polls as a fallback) and has its
// publisher run publication cycles until the outbox has nothing due.
#pragma once

#include <string>

#include "actors/settings.hpp"
#include "persistence/kafka_client.hpp"
#include "protocol/interfaces.hpp"

namespace chat {

struct outbox_relay_state {
  static inline const char* name = "outbox_relay";

  relay_settings settings;
  kafka_settings kafka;
  std::string dsn;
  outbox_publisher_actor publisher;
  /// A cycle is running.
  bool busy = false;
  /// A wake-up arrived while busy: run again right after.
  bool again = false;
  relay_stats stats;
};

/// `dsn` is the rooms database (the outbox, and LISTEN outbox).
outbox_relay_actor::behavior_type
outbox_relay(outbox_relay_actor::stateful_pointer<outbox_relay_state> self, relay_settings settings,
             kafka_settings kafka, std::string dsn);

} // namespace chat
