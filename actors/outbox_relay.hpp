// The outbox relay of a node: wakes on NOTIFY outbox (polls as a fallback), claims a bounded
// batch (SKIP LOCKED + lease), produces it with the idempotent producer, marks what was
// delivered published and counts failures (dead letters after the maximum).
#pragma once

#include <chrono>
#include <string>

#include "actors/settings.hpp"
#include "persistence/kafka_producer.hpp"
#include "protocol/interfaces.hpp"

namespace chat {

struct outbox_relay_state {
  static inline const char* name = "outbox_relay";

  relay_settings settings;
  kafka_settings kafka;
  outbox_store_actor store;
  kafka_producer_actor producer;
  /// A batch is in flight.
  bool busy = false;
  /// A wake-up arrived while busy: run again right after.
  bool again = false;
  relay_stats stats;
};

/// `listen_dsn` is the rooms database (LISTEN outbox); empty disables notifications (poll
/// only).
outbox_relay_actor::behavior_type
outbox_relay(outbox_relay_actor::stateful_pointer<outbox_relay_state> self, relay_settings settings,
             kafka_settings kafka, outbox_store_actor store, std::string listen_dsn);

} // namespace chat
