#include "actors/background/scheduler.hpp"

#include <algorithm>
#include <unordered_set>

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>
#include <spdlog/spdlog.h>

#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"
#include "protocol/recurrence.hpp"
#include "protocol/types/message.hpp"

namespace chat {

void scheduler_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "schedules"}
    .add(enabled, "enabled", "fire scheduled messages on this node")
    .add(poll_interval, "poll-interval", "how often due occurrences are claimed")
    .add(lease, "lease", "how long a claim holds (a dead node's claims lapse after it)")
    .add(retry_delay, "retry-delay", "when an occurrence that could not be sent is tried again")
    .add(fire_timeout, "fire-timeout", "how long a fired occurrence waits for SAVED or FAILED")
    .add(request_timeout, "request-timeout", "bound of each store and room request")
    .add(batch, "batch", "most occurrences claimed per poll")
    .add(max_in_flight, "max-in-flight", "most occurrences held at once");
}

std::string scheduler_settings::check() const {
  for (auto span : {poll_interval, lease, retry_delay, fire_timeout, request_timeout})
    if (span <= caf::timespan{0})
      return "schedules.poll-interval, lease, retry-delay, fire-timeout and request-timeout must "
             "be positive";
  if (lease <= fire_timeout)
    return "schedules.lease must be longer than schedules.fire-timeout";
  if (batch == 0 || max_in_flight == 0)
    return "schedules.batch and schedules.max-in-flight must be positive";
  return {};
}

std::string occurrence_temp_id(int64_t schedule_id, int64_t occurrence) {
  return "schedule:" + std::to_string(schedule_id) + ":" + std::to_string(occurrence);
}

bool fails_for_good(const std::string& error_code) {
  for (auto code :
       {chat_errc::not_member, chat_errc::blocked, chat_errc::forbidden, chat_errc::invalid_input,
        chat_errc::too_large, chat_errc::temp_id_reused, chat_errc::not_found})
    if (error_code == wire_code(code))
      return true;
  return false;
}

namespace {

using scheduler_ptr = scheduler_actor::stateful_pointer<scheduler_state>;

int64_t millis(caf::timespan span) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(span).count();
}

/// The held occurrence a status is about, or null.
scheduler_state::claimed* held_for(scheduler_ptr self, const std::string& temp_id) {
  // schedule:{id}:{occurrence}
  auto first = temp_id.find(':');
  auto second = temp_id.rfind(':');
  if (first == std::string::npos || second == first)
    return nullptr;
  int64_t id = 0;
  try {
    id = std::stoll(temp_id.substr(first + 1, second - first - 1));
  } catch (const std::exception&) {
    return nullptr;
  }
  auto i = self->state.held.find(id);
  if (i == self->state.held.end() || i->second.temp_id != temp_id || !i->second.fired)
    return nullptr;
  return &i->second;
}

/// Records how an occurrence ended; the next one (if any) is due at its time.
void finish(scheduler_ptr self, scheduler_state::claimed& entry, const status_event& status) {
  auto& st = self->state;
  auto& schedule = entry.schedule;
  occurrence_outcome outcome;
  outcome.id = schedule.id;
  outcome.occurrence = schedule.occurrence;
  outcome.sent = status.status == delivery_status::saved;
  outcome.message_id = status.persisted_id;
  outcome.error_code = status.error_code;
  if (outcome.sent && !schedule.recurrence.empty())
    outcome.next_at = occurrence_at(schedule.anchor_at, schedule.recurrence,
                                    schedule.occurrence + 1 - schedule.anchor_occurrence);
  auto& counters = metrics::instance();
  ++(outcome.sent ? counters.schedules_sent : counters.schedules_failed);
  if (st.deps.tell_sender)
    st.deps.tell_sender(schedule.sender_id, status);
  auto id = schedule.id;
  st.held.erase(id);
  // A lost answer leaves the claim to lapse: the occurrence is claimed and sent again, and
  // its tempId makes that a duplicate, answered SAVED without a second message.
  self
    ->request(st.deps.store, st.settings.request_timeout, occurrence_done_atom::value,
              st.settings.node, outcome)
    .then([](bool) {},
          [id](caf::error& err) {
            spdlog::warn("scheduler: schedule {}: cannot record its occurrence: {}", id,
                         describe(err));
          });
}

/// Gives an occurrence back to be tried again after the retry delay (by any node).
void retry(scheduler_ptr self, int64_t id, const std::string& why) {
  auto& st = self->state;
  auto i = st.held.find(id);
  if (i == st.held.end())
    return;
  auto occurrence = i->second.schedule.occurrence;
  spdlog::info("scheduler: schedule {} occurrence {} tried again: {}", id, occurrence, why);
  ++metrics::instance().schedules_retried;
  st.held.erase(i);
  std::erase(st.ready, id);
  self
    ->request(st.deps.store, st.settings.request_timeout, occurrence_retry_atom::value,
              st.settings.node, id, occurrence, st.deps.now() + millis(st.settings.retry_delay))
    .then([](bool) {},
          [](caf::error&) {
            // The claim lapses instead.
          });
}

void on_status(scheduler_ptr self, const status_event& status) {
  auto* entry = held_for(self, status.temp_id);
  if (entry == nullptr)
    return;
  if (status.status == delivery_status::saved)
    finish(self, *entry, status);
  else if (status.status == delivery_status::failed && fails_for_good(status.error_code))
    finish(self, *entry, status);
  else if (status.status == delivery_status::failed)
    retry(self, entry->schedule.id, status.error_code + " " + status.error_message);
  // SENDING and PROCESSING: the final status follows.
}

/// Sends an occurrence through its room (wherever it runs).
void fire(scheduler_ptr self, scheduler_state::claimed& entry) {
  auto& st = self->state;
  entry.fired = true;
  auto& schedule = entry.schedule;
  auto& counters = metrics::instance();
  ++counters.schedules_fired;
  auto late = std::max<int64_t>(0, st.deps.now() - schedule.scheduled_at);
  counters.schedule_late_ms_sum += late;
  auto max = counters.schedule_late_ms_max.load();
  while (late > max && !counters.schedule_late_ms_max.compare_exchange_weak(max, late)) {
  }
  chat_message draft;
  draft.room_id = schedule.room_id;
  draft.sender_id = schedule.sender_id;
  draft.temp_id = entry.temp_id;
  draft.content = schedule.content;
  draft.type = "TEXT";
  auto id = schedule.id;
  auto timeout = st.settings.request_timeout;
  self->delayed_send(self, st.settings.fire_timeout, fire_timeout_atom::value, id,
                     schedule.occurrence);
  self->request(st.deps.directory, timeout, lookup_atom::value, schedule.room_id)
    .then(
      [self, draft, timeout, id](room_actor& room) {
        self
          ->request(room, timeout, send_atom::value, draft,
                    caf::actor_cast<status_sink_actor>(self))
          .then([self](status_event& status) { on_status(self, status); },
                [self, id](caf::error& err) { retry(self, id, describe(err)); });
      },
      [self, id](caf::error& err) {
        if (code_of(err) == chat_errc::not_found) {
          // The room is gone: no retry brings it back.
          auto i = self->state.held.find(id);
          if (i == self->state.held.end())
            return;
          auto status =
            make_status(i->second.schedule.room_id, i->second.temp_id, delivery_status::failed);
          status.error_code = wire_code(chat_errc::not_found);
          status.error_message = describe(err);
          finish(self, i->second, status);
          return;
        }
        retry(self, id, describe(err));
      });
}

/// Fires what is held, oldest first, as far as each sender's rate budget allows; a sender out
/// of budget keeps the rest of their occurrences in order for the next poll.
void pump(scheduler_ptr self) {
  auto& st = self->state;
  std::unordered_set<int64_t> waiting_senders;
  std::deque<int64_t> still;
  while (!st.ready.empty()) {
    auto id = st.ready.front();
    st.ready.pop_front();
    auto i = st.held.find(id);
    if (i == st.held.end())
      continue;
    auto sender = i->second.schedule.sender_id;
    if (waiting_senders.count(sender) > 0 || (st.deps.may_send && !st.deps.may_send(sender))) {
      waiting_senders.insert(sender);
      still.push_back(id);
      continue;
    }
    fire(self, i->second);
  }
  st.ready = std::move(still);
}

void claim(scheduler_ptr self) {
  auto& st = self->state;
  if (st.claiming || !st.started || st.held.size() >= st.settings.max_in_flight)
    return;
  st.claiming = true;
  auto limit = std::min(st.settings.batch, st.settings.max_in_flight - st.held.size());
  self
    ->request(st.deps.store, st.settings.request_timeout, claim_due_atom::value, st.settings.node,
              st.deps.now(), millis(st.settings.lease), static_cast<int32_t>(limit))
    .then(
      [self](std::vector<scheduled_message>& due) {
        auto& st = self->state;
        st.claiming = false;
        metrics::instance().schedules_due += static_cast<int64_t>(due.size());
        for (auto& schedule : due) {
          if (st.held.count(schedule.id) > 0)
            continue; // held already (a claim that came back to this node)
          auto id = schedule.id;
          auto temp_id = occurrence_temp_id(id, schedule.occurrence);
          st.held.emplace(id, scheduler_state::claimed{std::move(schedule), std::move(temp_id)});
          st.ready.push_back(id);
        }
        pump(self);
      },
      [self](caf::error& err) {
        self->state.claiming = false;
        spdlog::warn("scheduler: cannot claim due occurrences: {}", describe(err));
      });
}

} // namespace

scheduler_actor::behavior_type scheduler(scheduler_ptr self, scheduler_settings settings,
                                         scheduler_deps deps) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.deps = std::move(deps);
  // What this node held when it stopped (or crashed) is not in flight any more: given back
  // at once rather than after the lease. Polling starts after that.
  auto begin = [self] {
    self->state.started = true;
    claim(self);
    self->delayed_send(self, self->state.settings.poll_interval, tick_atom::value);
  };
  self
    ->request(st.deps.store, st.settings.request_timeout, release_claims_atom::value,
              st.settings.node)
    .then(
      [begin](int64_t released) {
        if (released > 0)
          spdlog::info("scheduler: gave back {} claim(s) of this node's previous run", released);
        begin();
      },
      [begin](caf::error& err) {
        spdlog::warn("scheduler: cannot give back this node's claims: {}", describe(err));
        begin(); // they lapse with their lease
      });
  return {
    [=](tick_atom) {
      pump(self);
      claim(self);
      self->delayed_send(self, self->state.settings.poll_interval, tick_atom::value);
    },
    [=](status_event& status) { on_status(self, status); },
    [=](fire_timeout_atom, int64_t id, int64_t occurrence) {
      auto i = self->state.held.find(id);
      if (i != self->state.held.end() && i->second.fired &&
          i->second.schedule.occurrence == occurrence)
        retry(self, id, "no final status in time");
    },
  };
}

} // namespace chat
