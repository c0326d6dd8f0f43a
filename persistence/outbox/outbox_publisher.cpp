#include "persistence/outbox/outbox_publisher.hpp"

#include <spdlog/spdlog.h>

#include "persistence/db/store_error.hpp"
#include "persistence/db/worker.hpp"
#include "persistence/faults/fault_points.hpp"

namespace chat {

namespace {

/// Produces through the Kafka client; the kafka.produce fault point fails every event of the
/// batch (they count as failed attempts) or crashes the publisher.
std::vector<delivery> produce(outbox_publisher_state& st, const std::vector<outbox_event>& events) {
  try {
    fault_registry::instance().hit(fault_point::kafka_produce);
  } catch (const store_error& e) {
    return std::vector<delivery>(events.size(), delivery{false, e.what(), false});
  }
  if (!st.kafka)
    st.kafka = std::make_unique<kafka_client>(st.kafka_config);
  return st.kafka->produce(events);
}

} // namespace

outbox_publisher_actor::behavior_type
outbox_publisher(outbox_publisher_actor::stateful_pointer<outbox_publisher_state> self,
                 std::string dsn, kafka_settings kafka, outbox_queries::publish_options options) {
  auto& st = self->state;
  st.connection = std::make_unique<db_connection>(std::move(dsn));
  st.kafka_config = std::move(kafka);
  st.options = options;
  return {
    [=](publish_atom, int32_t batch) -> caf::result<publish_report> {
      auto& st = self->state;
      auto options = st.options;
      options.batch = batch;
      publish_report report;
      bool crashed = false;
      auto err = run_guarded(
        *st.connection,
        [&] {
          report = outbox_queries::publish_cycle(
            *st.connection, options,
            [&](const std::vector<outbox_event>& events) { return produce(st, events); });
        },
        crashed);
      if (crashed) {
        spdlog::warn("outbox publisher: {}", describe(err));
        self->quit(err);
      }
      if (err)
        return err;
      return report;
    },
  };
}

} // namespace chat
