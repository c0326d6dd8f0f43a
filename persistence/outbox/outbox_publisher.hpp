// The outbox publisher: a detached actor that owns a rooms-database connection and the Kafka
// client, and runs publication cycles (outbox_queries::publish_cycle) on request.
#pragma once

#include <memory>
#include <string>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/db/connection.hpp"
#include "persistence/kafka/kafka_client.hpp"
#include "persistence/outbox/outbox_queries.hpp"
#include "protocol/interfaces/background.hpp"

namespace chat {

struct outbox_publisher_state {
  static inline const char* name = "outbox_publisher";

  std::unique_ptr<db_connection> connection;
  std::unique_ptr<kafka_client> kafka;
  kafka_settings kafka_config;
  outbox_queries::publish_options options;
};

/// Spawn with caf::detached: a cycle blocks on PostgreSQL and Kafka.
outbox_publisher_actor::behavior_type
outbox_publisher(outbox_publisher_actor::stateful_pointer<outbox_publisher_state> self,
                 std::string dsn, kafka_settings kafka, outbox_queries::publish_options options);

} // namespace chat
