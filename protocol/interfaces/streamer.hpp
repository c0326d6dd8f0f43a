// chat-streamer's consumer of the chat events.
#pragma once

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>

#include "protocol/atoms.hpp"
#include "protocol/fwd.hpp"

namespace chat {

/// chat-streamer's consumer of the chat events (detached: it blocks on Kafka and PostgreSQL).
using event_consumer_actor = caf::typed_actor<
  // Consumes one batch (store transaction, then offset commit) and schedules the next.
  caf::reacts_to<consume_atom>,
  // What was consumed so far.
  caf::replies_to<stats_atom>::with<consumer_stats>>;

} // namespace chat
