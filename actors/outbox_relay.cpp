#include "actors/outbox_relay.hpp"

#include <caf/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "persistence/notification_listener.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"

namespace chat {

namespace {

using relay_ptr = outbox_relay_actor::stateful_pointer<outbox_relay_state>;

void run(relay_ptr self);

void spawn_producer(relay_ptr self) {
  auto& st = self->state;
  st.producer = self->spawn<caf::detached + caf::linked>(kafka_producer, st.kafka);
}

/// The batch is done; go on at once if there is more to do.
void batch_done(relay_ptr self, bool full) {
  auto& st = self->state;
  st.busy = false;
  if (full || st.again) {
    st.again = false;
    run(self);
  }
}

void record(relay_ptr self, publish_report report, size_t batch_size,
            std::chrono::steady_clock::time_point started) {
  auto& st = self->state;
  auto& counters = metrics::instance();
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count();
  st.stats.last_latency_us = elapsed;
  counters.outbox_publish_latency_sum_us += elapsed * static_cast<int64_t>(report.published.size());
  counters.outbox_publish_latency_count += static_cast<int64_t>(report.published.size());
  auto full = batch_size >= static_cast<size_t>(st.settings.batch) && report.failed.empty();
  auto pending = std::make_shared<int>(2);
  auto step_done = [self, pending, full] {
    if (--*pending == 0)
      batch_done(self, full);
  };
  auto published = std::move(report.published);
  st.stats.published += static_cast<int64_t>(published.size());
  counters.outbox_published += static_cast<int64_t>(published.size());
  self->request(st.store, st.settings.request_timeout, published_atom::value, std::move(published))
      .then([step_done](int32_t) { step_done(); },
            [step_done](caf::error& err) {
              // The rows come back after their lease: published twice, deduplicated downstream
              // by eventId.
              spdlog::warn("outbox relay: cannot mark events published: {}", describe(err));
              step_done();
            });
  if (report.failed.empty()) {
    step_done();
    return;
  }
  st.stats.failed_attempts += static_cast<int64_t>(report.failed.size());
  counters.outbox_failed_attempts += static_cast<int64_t>(report.failed.size());
  spdlog::warn("outbox relay: {} events failed ({}), retrying later", report.failed.size(),
               report.failed.front().reason);
  self->request(st.store, st.settings.request_timeout, failed_atom::value, std::move(report.failed),
                static_cast<int32_t>(st.settings.max_attempts), st.settings.retry_backoff)
      .then(
          [self, step_done](int32_t dead) {
            self->state.stats.dead += dead;
            metrics::instance().outbox_dead += dead;
            if (dead > 0)
              spdlog::error("outbox relay: {} events moved to dead letters", dead);
            step_done();
          },
          [step_done](caf::error& err) {
            spdlog::warn("outbox relay: cannot record failures: {}", describe(err));
            step_done();
          });
}

void run(relay_ptr self) {
  auto& st = self->state;
  if (st.busy) {
    st.again = true;
    return;
  }
  st.busy = true;
  self->request(st.store, st.settings.request_timeout, claim_atom::value,
                static_cast<int32_t>(st.settings.batch), st.settings.node, st.settings.lease)
      .then(
          [self](std::vector<outbox_event>& events) {
            auto& st = self->state;
            if (events.empty()) {
              batch_done(self, false);
              return;
            }
            auto size = events.size();
            auto started = std::chrono::steady_clock::now();
            auto ids = std::make_shared<std::vector<int64_t>>();
            for (auto& event : events)
              ids->push_back(event.id);
            self->request(st.producer, st.settings.request_timeout, produce_atom::value,
                          std::move(events))
                .then(
                    [self, size, started](publish_report& report) {
                      record(self, std::move(report), size, started);
                    },
                    [self, size, started, ids](caf::error& err) {
                      publish_report report;
                      for (auto id : *ids)
                        report.failed.push_back(publish_failure{id, describe(err), false});
                      record(self, std::move(report), size, started);
                    });
          },
          [self](caf::error& err) {
            spdlog::warn("outbox relay: claim failed: {}", describe(err));
            self->state.busy = false;
          });
}

} // namespace

outbox_relay_actor::behavior_type
outbox_relay(outbox_relay_actor::stateful_pointer<outbox_relay_state> self, relay_settings settings,
             kafka_settings kafka, outbox_store_actor store, std::string listen_dsn) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.kafka = std::move(kafka);
  st.store = std::move(store);
  spawn_producer(self);
  // The producer and the listener are linked: they stop with the relay. A producer that
  // crashed is replaced; any other exit message stops the relay.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (msg.source == self->state.producer.address()) {
      spdlog::warn("outbox relay: producer stopped ({}), restarting it", describe(msg.reason));
      spawn_producer(self);
      return;
    }
    self->quit(msg.reason);
  });
  if (!listen_dsn.empty())
    self->spawn<caf::detached + caf::linked>(notification_listener, listen_dsn,
                                             caf::actor_cast<outbox_relay_actor>(self));
  self->send(self, tick_atom::value);
  return {
      [=](wake_atom) { run(self); },
      [=](tick_atom) {
        run(self);
        self->delayed_send(self, self->state.settings.poll_interval, tick_atom::value);
      },
      [=](stats_atom) { return self->state.stats; },
  };
}

} // namespace chat
