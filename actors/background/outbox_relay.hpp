// The outbox relay of a node: wakes on NOTIFY outbox (and polls as a fallback) and has its
// publisher run publication cycles until the outbox has nothing due.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/kafka/kafka_client.hpp"
#include "protocol/interfaces/background.hpp"
#include "protocol/types/outbox.hpp"

namespace chat {

/// [outbox] in config/chatd.ini.
struct relay_settings {
  /// Most events claimed and produced at once.
  size_t batch = 1000;
  /// Poll fallback when no notification arrives.
  caf::timespan poll_interval = std::chrono::seconds(1);
  /// Failed attempts before an event moves to dead letters.
  size_t max_attempts = 10;
  /// Delay before the first retry of a failed event; doubles per attempt.
  caf::timespan retry_backoff = std::chrono::milliseconds(200);
  /// Bound of one publication cycle (claim, produce, delete); above the Kafka delivery
  /// timeout.
  caf::timespan request_timeout = std::chrono::seconds(60);

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

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
