// chat-streamer's consumer: polls the chat events in batches, applies each batch to the
// streamer store in one transaction (effects exactly once, by event id) and only then commits
// the batch's offsets. A crash in between redelivers the batch, which then changes nothing.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "persistence/db/connection.hpp"
#include "persistence/kafka/kafka_reader.hpp"
#include "protocol/interfaces/streamer.hpp"
#include "protocol/types/streamer.hpp"

namespace chat {

struct event_consumer_settings {
  consumer_settings kafka;
  /// The streamer store.
  std::string dsn;
  /// Most records per batch (one transaction).
  size_t batch = 1000;
  /// How long a poll waits for a first record.
  std::chrono::milliseconds poll_timeout{200};
  /// Pause after a failed batch before consuming again.
  std::chrono::milliseconds retry_backoff{500};
};

/// Called with the notifications of each committed batch, after its commit (chatd learns of
/// them through NOTIFY; this is for embedding programs and tests).
using notification_sink = std::function<void(const std::vector<mention_notification>&)>;

struct event_consumer_state {
  static inline const char* name = "event_consumer";

  event_consumer_settings settings;
  std::unique_ptr<kafka_consumer> consumer;
  std::unique_ptr<db_connection> connection;
  notification_sink on_notifications;
  consumer_stats stats;
  bool stopping = false;
};

event_consumer_actor::behavior_type
event_consumer(event_consumer_actor::stateful_pointer<event_consumer_state> self,
               event_consumer_settings settings, notification_sink on_notifications);

} // namespace chat
