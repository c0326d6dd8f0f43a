// Tunables of the actors, filled from the node configuration (config/chatd.ini).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <caf/timespan.hpp>

namespace chat {

struct saga_settings {
  /// Timeout of every step and compensation step; a timeout is a failure.
  caf::timespan step_timeout = std::chrono::seconds(5);
  /// Attempts of a compensation step before the saga is dead-lettered.
  int compensation_attempts = 5;
  /// Delay before the first retry of a compensation step; doubles on each retry.
  caf::timespan compensation_backoff = std::chrono::milliseconds(100);
};

/// The longest a saga can live: three steps, two compensation steps with all their retries,
/// the fallback mark and the dead-letter record. Recovery must wait at least this long.
caf::timespan max_saga_lifetime(const saga_settings& x);

struct room_settings {
  /// This node's id, recorded as the room's owner when it claims the room.
  std::string node = "node-1";
  /// A room with no work and no subscribers passivates after this time.
  caf::timespan idle_timeout = std::chrono::seconds(60);
  /// Recent (sender, tempId) pairs a room remembers for deduplication.
  size_t dedupe_window = 1024;
  /// Most messages of one room written in one room commit.
  size_t max_commit_batch = 256;
  /// How often a room asks the store about a message whose saga ended undecided.
  caf::timespan undecided_recheck = std::chrono::seconds(10);
  saga_settings saga;
};

struct recovery_settings {
  /// Unfinished messages older than this are finished or compensated.
  caf::timespan pending_age = std::chrono::seconds(30);
  caf::timespan interval = std::chrono::seconds(10);
  /// Most messages (and dead letters) handled per sweep.
  int batch = 200;
  caf::timespan request_timeout = std::chrono::seconds(10);
};

struct relay_settings {
  std::string node = "node-1";
  /// Most events claimed and produced at once.
  int batch = 500;
  /// Poll fallback when no notification arrives.
  caf::timespan poll_interval = std::chrono::seconds(1);
  /// Failed attempts before an event moves to dead letters.
  int max_attempts = 10;
  /// Delay before the first retry of a failed event; doubles per attempt.
  caf::timespan retry_backoff = std::chrono::milliseconds(200);
  /// Bound of one publication cycle (claim, produce, delete); above the Kafka delivery
  /// timeout.
  caf::timespan request_timeout = std::chrono::seconds(60);
};

} // namespace chat
