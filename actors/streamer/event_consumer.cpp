#include "actors/streamer/event_consumer.hpp"

#include <spdlog/spdlog.h>

#include "persistence/db/store_error.hpp"
#include "persistence/db/worker.hpp"
#include "persistence/faults/fault_points.hpp"
#include "persistence/streamer/streamer_queries.hpp"

namespace chat {

namespace {

using consumer_ptr = event_consumer_actor::stateful_pointer<event_consumer_state>;

/// One batch: poll, apply in one transaction, then commit the offsets. Returns false when the
/// batch failed (its records come again: the consumer is recreated at the committed offsets).
bool consume_batch(consumer_ptr self) {
  auto& st = self->state;
  if (!st.consumer)
    st.consumer = std::make_unique<kafka_consumer>(st.settings.kafka);
  auto records = st.consumer->poll(st.settings.batch, st.settings.poll_timeout);
  if (records.empty())
    return true;
  streamer_queries::batch_report report;
  bool crashed = false;
  auto err = run_guarded(
    *st.connection,
    [&] {
      report = streamer_queries::apply(*st.connection, st.settings.kafka.topic, records);
      // Between the store commit and the offset commit: a crash here redelivers the batch.
      fault_registry::instance().hit(fault_point::streamer_offsets);
    },
    crashed);
  if (crashed) {
    spdlog::warn("event consumer: {}", describe(err));
    self->quit(err);
    return false;
  }
  if (err) {
    // The transaction rolled back (or its outcome is unknown): consume the batch again.
    spdlog::warn("event consumer: batch of {} records failed: {}", records.size(), describe(err));
    return false;
  }
  st.consumer->commit(records);
  ++st.stats.batches;
  st.stats.records += static_cast<int64_t>(records.size());
  st.stats.handled += report.handled;
  st.stats.duplicates += report.duplicates;
  st.stats.dead += report.dead;
  if (report.dead > 0)
    spdlog::warn("event consumer: {} undecodable records moved to the dead letters", report.dead);
  if (st.on_notifications && !report.notifications.empty())
    st.on_notifications(report.notifications);
  return true;
}

} // namespace

event_consumer_actor::behavior_type
event_consumer(event_consumer_actor::stateful_pointer<event_consumer_state> self,
               event_consumer_settings settings, notification_sink on_notifications) {
  auto& st = self->state;
  st.connection = std::make_unique<db_connection>(settings.dsn);
  st.settings = std::move(settings);
  st.on_notifications = std::move(on_notifications);
  self->send(self, consume_atom::value);
  return {
    [=](consume_atom) {
      bool ok = false;
      try {
        ok = consume_batch(self);
      } catch (const std::exception& e) {
        spdlog::warn("event consumer: {}", e.what());
      }
      if (ok) {
        self->send(self, consume_atom::value);
        return;
      }
      ++self->state.stats.failures;
      // Leaving the group now hands the partitions on at once (after a crash, to another
      // member); uncommitted records are delivered again.
      self->state.consumer.reset();
      self->delayed_send(self, self->state.settings.retry_backoff, consume_atom::value);
    },
    [=](stats_atom) { return self->state.stats; },
  };
}

} // namespace chat
