// Background work of a node: recovery, the outbox relay and its publisher, notifications.
#pragma once

#include <cstdint>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>

#include "protocol/atoms.hpp"
#include "protocol/fwd.hpp"

namespace chat {

/// Finishes or compensates sagas that a crash left pending.
using recovery_sweeper_actor = caf::typed_actor<
  // Runs one sweep now and replies with its counts.
  caf::replies_to<sweep_atom>::with<sweep_report>,
  // Periodic sweep.
  caf::reacts_to<tick_atom>>;

/// Publishes outbox events to Kafka.
using outbox_relay_actor = caf::typed_actor<
  // New rows were committed (LISTEN/NOTIFY).
  caf::reacts_to<wake_atom>,
  // Poll fallback timer.
  caf::reacts_to<tick_atom>,
  // Reads the relay counters.
  caf::replies_to<stats_atom>::with<relay_stats>>;

/// Publishes outbox events to Kafka: a detached actor that owns a rooms-database connection
/// and the idempotent producer. One cycle claims a batch under row locks (FOR UPDATE SKIP
/// LOCKED), produces it, deletes what was delivered and counts failures, in one transaction.
using outbox_publisher_actor = caf::typed_actor<
  // Runs one publication cycle of at most the given number of events.
  caf::replies_to<publish_atom, int32_t>::with<publish_report>>;

/// Waits for PostgreSQL notifications of one channel on a dedicated connection.
using notification_listener_actor = caf::typed_actor<
  // Waits for the next notification (bounded), then schedules itself again.
  caf::reacts_to<listen_atom>>;

} // namespace chat
