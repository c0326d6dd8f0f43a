#include "actors/background/outbox_relay.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>
#include <caf/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "persistence/db/notification_listener.hpp"
#include "persistence/outbox/outbox_publisher.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"

namespace chat {

void relay_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "outbox"}
    .add(batch, "batch", "most events claimed and produced at once")
    .add(poll_interval, "poll-interval", "poll when no notification arrives")
    .add(max_attempts, "max-attempts", "failed attempts before dead letters")
    .add(retry_backoff, "retry-backoff", "first retry delay of an event (doubles)")
    .add(request_timeout, "request-timeout",
         "bound of one publication cycle (above kafka.delivery-timeout)");
}

std::string relay_settings::check() const {
  if (batch == 0 || max_attempts == 0)
    return "outbox.batch and outbox.max-attempts must be positive";
  if (poll_interval <= caf::timespan{0} || request_timeout <= caf::timespan{0})
    return "outbox.poll-interval and outbox.request-timeout must be positive";
  return {};
}

namespace {

using relay_ptr = outbox_relay_actor::stateful_pointer<outbox_relay_state>;

void spawn_publisher(relay_ptr self) {
  auto& st = self->state;
  outbox_queries::publish_options options;
  options.max_attempts = static_cast<int>(st.settings.max_attempts);
  options.retry_backoff =
    std::chrono::duration_cast<std::chrono::milliseconds>(st.settings.retry_backoff);
  st.publisher =
    self->spawn<caf::detached + caf::linked>(outbox_publisher, st.dsn, st.kafka, options);
}

void record(relay_ptr self, const publish_report& report) {
  auto& st = self->state;
  auto& counters = metrics::instance();
  st.stats.published += report.published;
  st.stats.failed_attempts += report.failed;
  st.stats.dead += report.dead;
  st.stats.last_latency_us = report.produce_latency_us;
  counters.outbox_published += report.published;
  counters.outbox_failed_attempts += report.failed;
  counters.outbox_dead += report.dead;
  counters.outbox_publish_latency_sum_us += report.produce_latency_us * report.published;
  counters.outbox_publish_latency_count += report.published;
  if (report.failed > 0)
    spdlog::warn("outbox relay: {} of {} events failed ({}), retrying later", report.failed,
                 report.claimed, report.first_error);
  if (report.dead > 0)
    spdlog::error("outbox relay: {} events moved to dead letters", report.dead);
}

/// Runs publication cycles while full batches come back.
void run(relay_ptr self) {
  auto& st = self->state;
  if (st.busy) {
    st.again = true;
    return;
  }
  st.busy = true;
  st.again = false;
  self
    ->request(st.publisher, st.settings.request_timeout, publish_atom::value,
              static_cast<int32_t>(st.settings.batch))
    .then(
      [self](publish_report& report) {
        auto& st = self->state;
        record(self, report);
        st.busy = false;
        if (st.again || static_cast<size_t>(report.claimed) >= st.settings.batch)
          run(self);
      },
      [self](caf::error& err) {
        spdlog::warn("outbox relay: publication cycle failed: {}", describe(err));
        self->state.busy = false;
      });
}

} // namespace

outbox_relay_actor::behavior_type
outbox_relay(outbox_relay_actor::stateful_pointer<outbox_relay_state> self, relay_settings settings,
             kafka_settings kafka, std::string dsn) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.kafka = std::move(kafka);
  st.dsn = std::move(dsn);
  spawn_publisher(self);
  // The publisher and the listener are linked: they stop with the relay. A publisher that
  // crashed is replaced; any other exit message stops the relay.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (msg.source == self->state.publisher.address()) {
      spdlog::warn("outbox relay: publisher stopped ({}), restarting it", describe(msg.reason));
      self->state.busy = false;
      spawn_publisher(self);
      return;
    }
    self->quit(msg.reason);
  });
  // NOTIFY outbox wakes the relay; so does (re)listening: rows may have come meanwhile.
  auto relay = caf::actor_cast<outbox_relay_actor>(self);
  auto wake = [relay] { caf::anon_send(relay, wake_atom::value); };
  self->spawn<caf::detached + caf::linked>(
    notification_listener, st.dsn, std::string{"outbox"},
    notification_callbacks{[wake](const std::string&) { wake(); }, wake});
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
