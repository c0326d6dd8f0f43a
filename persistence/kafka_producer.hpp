// The idempotent Kafka producer (librdkafka) as a detached actor: it blocks while it waits
// for delivery reports, so it never runs on a scheduler thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "protocol/interfaces.hpp"

struct rd_kafka_s;

namespace chat {

struct kafka_settings {
  /// bootstrap.servers.
  std::string brokers;
  std::string topic = "chat.events";
  /// message.timeout.ms: a message without delivery report after this time fails.
  std::chrono::milliseconds delivery_timeout{10000};
  /// linger.ms: how long the producer waits to fill a batch.
  std::chrono::milliseconds linger{2};
};

struct kafka_producer_state {
  static inline const char* name = "kafka_producer";

  kafka_settings settings;
  std::shared_ptr<rd_kafka_s> producer;

  /// Creates the producer (again, after a fatal error). Throws std::runtime_error.
  void connect();
};

/// Spawn with caf::detached.
kafka_producer_actor::behavior_type
kafka_producer(kafka_producer_actor::stateful_pointer<kafka_producer_state> self,
               kafka_settings settings);

} // namespace chat
