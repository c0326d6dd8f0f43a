// SQL of chat-streamer's store: a batch of Kafka records has its effects in one transaction,
// with one event_handled row per event, so that redelivered events change nothing. Blocking;
// detached actors only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/kafka/kafka_reader.hpp"
#include "protocol/codec/event_json.hpp"
#include "protocol/types/streamer.hpp"

namespace chat {

class db_connection;

namespace streamer_queries {

/// The NOTIFY channel of new mention notifications (payload: notification_json).
constexpr const char* notification_channel = "mention_notifications";

struct batch_report {
  /// Events whose effects were applied now.
  int32_t handled = 0;
  /// Events handled before (redelivered, or produced twice): skipped.
  int32_t duplicates = 0;
  /// Undecodable records, moved to the dead letters.
  int32_t dead = 0;
  /// Notifications created by this batch (to push to the mentioned users).
  std::vector<mention_notification> notifications;
};

/// Applies the records of `topic` in one transaction: handled-event ids, per-room message and
/// mention counts (retractions undo them), the newest message by version, notifications, and
/// dead letters for poison records.
batch_report apply(db_connection& db, const std::string& topic,
                   const std::vector<kafka_record>& records);

/// A user's newest notifications, newest first.
std::vector<mention_notification> notifications_of(db_connection& db, int64_t user_id,
                                                   int32_t limit);

} // namespace streamer_queries

} // namespace chat
