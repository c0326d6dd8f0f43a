// Background work of a node: recovery, the outbox relay and its publisher, notifications.
#pragma once

#include <cstdint>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>

#include "protocol/atoms.hpp"
#include "protocol/fwd.hpp"
#include "protocol/interfaces/room.hpp"

namespace chat {

/// Finishes or compensates sagas that a crash left pending.
using recovery_sweeper_actor = caf::typed_actor<
  // Runs one sweep now and replies with its counts.
  caf::replies_to<sweep_atom>::with<sweep_report>,
  // Periodic sweep.
  caf::reacts_to<tick_atom>>;

/// Fires scheduled messages: claims the due occurrences and sends each through its room's
/// actor and saga (also a status sink: the rooms answer it).
using scheduler_actor = caf::typed_actor<
  // Poll timer: claims what is due and fires it.
  caf::reacts_to<tick_atom>,
  // A status of the message of a fired occurrence.
  caf::reacts_to<status_event>,
  // A fired occurrence (schedule, occurrence) had no final status in time: tried again.
  caf::reacts_to<fire_timeout_atom, int64_t, int64_t>>;

/// Previews the first URL of committed messages, from the cache or fetched off the hot path,
/// and writes each preview through the message's room (a PREVIEW change).
using previewer_actor = caf::typed_actor<
  // A committed message (room, message id, content): previews its first http(s) URL, if any.
  caf::reacts_to<preview_atom, int64_t, std::string, std::string>,
  // The directory through which previews reach their rooms (once the node's directory runs).
  caf::reacts_to<room_directory_actor>,
  // A fetch ended (url, preview JSON or "" when there is none, whether it was refused).
  caf::reacts_to<fetched_atom, std::string, std::string, bool>>;

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
