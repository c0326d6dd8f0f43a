// SQL of the outbox relay: one publication cycle is one transaction that claims a bounded
// batch with FOR UPDATE SKIP LOCKED, hands it to Kafka, deletes what was delivered, counts
// failed attempts and moves events past the maximum to the dead letters. Relays on several
// nodes never publish the same row at the same time: the claim holds the rows' locks until
// the cycle commits. Blocking; detached actors only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "persistence/kafka/kafka_client.hpp"
#include "protocol/types/outbox.hpp"

namespace chat {

class db_connection;

namespace outbox_queries {

struct publish_options {
  int32_t batch = 500;
  int32_t max_attempts = 10;
  /// Delay of the first retry of a failed event; doubles per attempt.
  std::chrono::milliseconds retry_backoff{200};
};

/// Produces events, one delivery report per event (the Kafka client or a test stand-in).
using produce_fn = std::function<std::vector<delivery>(const std::vector<outbox_event>&)>;

publish_report publish_cycle(db_connection& db, const publish_options& options,
                             const produce_fn& produce);

/// Puts every dead-lettered event back into the outbox (attempts reset), for a retry after the
/// cause was fixed. Returns how many.
int64_t requeue_dead_letters(db_connection& db);

} // namespace outbox_queries

} // namespace chat
