#include "actors/background/recovery_sweeper.hpp"

#include <memory>

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>
#include <spdlog/spdlog.h>

#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/room.hpp"

namespace chat {

void recovery_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "recovery"}
    .add(pending_age, "pending-age", "unfinished messages older than this recover")
    .add(interval, "interval", "time between recovery sweeps")
    .add(batch, "batch", "most messages handled per sweep")
    .add(request_timeout, "request-timeout", "bound of each store request of a sweep");
}

std::string recovery_settings::check() const {
  if (interval <= caf::timespan{0} || pending_age <= caf::timespan{0} ||
      request_timeout <= caf::timespan{0})
    return "recovery.interval, recovery.pending-age and recovery.request-timeout must be "
           "positive";
  if (batch == 0)
    return "recovery.batch must be positive";
  return {};
}

namespace {

using sweeper_ptr = recovery_sweeper_actor::stateful_pointer<recovery_sweeper_state>;

/// Counts the outstanding parts of one sweep; the last one to finish ends the phase.
struct sweep_progress {
  sweep_report report;
  size_t outstanding = 0;
  std::function<void()> on_done;

  void add() { ++outstanding; }

  void finish() {
    if (--outstanding == 0 && on_done)
      on_done();
  }
};

void end_sweep(sweeper_ptr self, const sweep_report& report) {
  auto& st = self->state;
  st.busy = false;
  if (report.forwarded + report.aborted + report.reapplied + report.errors > 0)
    spdlog::info("recovery: {} finished forward, {} compensated, {} changes applied, {} left "
                 "for later",
                 report.forwarded, report.aborted, report.reapplied, report.errors);
  auto& counters = metrics::instance();
  counters.recovery_forwarded += report.forwarded;
  counters.recovery_aborted += report.aborted;
  for (auto& promise : st.waiting)
    promise.deliver(report);
  st.waiting.clear();
}

/// Decides one message: keep (finalize) if its room commit exists and `abort` is false,
/// otherwise abort it in the rooms store and delete it. For a dead-lettered saga, the dead
/// letter is resolved last.
void decide(sweeper_ptr self, const std::shared_ptr<sweep_progress>& progress, int64_t room_id,
            const std::string& message_id, bool abort, bool dead_letter = false) {
  auto& st = self->state;
  auto timeout = st.settings.request_timeout;
  progress->add();
  auto failed = [progress, message_id](caf::error& err) {
    spdlog::warn("recovery: message {}: {}", message_id, describe(err));
    ++progress->report.errors;
    progress->finish();
  };
  auto resolved = [self, progress, message_id, timeout, failed, dead_letter](bool committed) {
    if (committed)
      ++progress->report.forwarded;
    else
      ++progress->report.aborted;
    if (!dead_letter) {
      progress->finish();
      return;
    }
    self->request(self->state.commits, timeout, dead_done_atom::value, message_id)
      .then([progress](bool) { progress->finish(); }, failed);
  };
  self->request(st.commits, timeout, resolve_atom::value, room_id, message_id, abort)
    .then(
      [self, message_id, timeout, failed, resolved](resolution& result) {
        auto& st = self->state;
        auto committed = result.committed;
        auto next = [resolved, committed](bool) { resolved(committed); };
        if (committed)
          self->request(st.messages, timeout, finalize_atom::value, message_id, result.version)
            .then(next, failed);
        else
          self->request(st.messages, timeout, delete_atom::value, message_id).then(next, failed);
      },
      failed);
}

/// Phase 3: message changes that the rooms store decided but the messages store did not
/// apply (the room's applies failed, or its node died): applied now (the messages store
/// ignores an older state), then forgotten.
void sweep_applies(sweeper_ptr self, sweep_report so_far) {
  auto& st = self->state;
  auto timeout = st.settings.request_timeout;
  self
    ->request(st.commits, timeout, stale_applies_atom::value, st.settings.pending_age,
              static_cast<int32_t>(st.settings.batch))
    .then(
      [self, so_far, timeout](std::vector<chat_message>& changed) {
        auto progress = std::make_shared<sweep_progress>();
        progress->report = so_far;
        progress->on_done = [self, progress] { end_sweep(self, progress->report); };
        progress->add();
        for (auto& msg : changed) {
          progress->add();
          auto failed = [progress, id = msg.id](caf::error& err) {
            spdlog::warn("recovery: change of message {}: {}", id, describe(err));
            ++progress->report.errors;
            progress->finish();
          };
          self->request(self->state.messages, timeout, apply_atom::value, msg)
            .then(
              [self, progress, failed, timeout, id = msg.id, version = msg.version](bool) {
                ++progress->report.reapplied;
                self
                  ->request(self->state.commits, timeout, applied_atom::value,
                            std::vector<std::string>{id}, std::vector<int64_t>{version})
                  .then([progress](bool) { progress->finish(); }, failed);
              },
              failed);
        }
        progress->finish();
      },
      [self, so_far](caf::error& err) {
        spdlog::warn("recovery: cannot list unapplied changes: {}", describe(err));
        auto report = so_far;
        ++report.errors;
        end_sweep(self, report);
      });
}

void sweep_unfinished(sweeper_ptr self, sweep_report so_far) {
  auto& st = self->state;
  self
    ->request(st.messages, st.settings.request_timeout, pending_atom::value,
              st.settings.pending_age, static_cast<int32_t>(st.settings.batch))
    .then(
      [self, so_far](std::vector<chat_message>& unfinished) {
        auto progress = std::make_shared<sweep_progress>();
        progress->report = so_far;
        progress->on_done = [self, progress] { sweep_applies(self, progress->report); };
        progress->add();
        for (auto& msg : unfinished)
          decide(self, progress, msg.room_id, msg.id, msg.state == message_state::compensating);
        progress->finish();
      },
      [self, so_far](caf::error& err) {
        spdlog::warn("recovery: cannot list unfinished messages: {}", describe(err));
        auto report = so_far;
        ++report.errors;
        sweep_applies(self, report);
      });
}

void sweep(sweeper_ptr self) {
  auto& st = self->state;
  if (st.busy)
    return;
  st.busy = true;
  // Phase 1: dead letters (compensations that failed) are compensated again.
  self
    ->request(st.commits, st.settings.request_timeout, dead_list_atom::value,
              static_cast<int32_t>(st.settings.batch))
    .then(
      [self](std::vector<saga_dead_letter>& letters) {
        auto progress = std::make_shared<sweep_progress>();
        progress->on_done = [self, progress] { sweep_unfinished(self, progress->report); };
        progress->add();
        for (auto& letter : letters)
          decide(self, progress, letter.room_id, letter.message_id, true, true);
        progress->finish();
      },
      [self](caf::error& err) {
        spdlog::warn("recovery: cannot list dead letters: {}", describe(err));
        sweep_unfinished(self, sweep_report{});
      });
}

} // namespace

recovery_sweeper_actor::behavior_type
recovery_sweeper(recovery_sweeper_actor::stateful_pointer<recovery_sweeper_state> self,
                 recovery_settings settings, message_store_actor messages,
                 commit_store_actor commits) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.messages = std::move(messages);
  st.commits = std::move(commits);
  self->send(self, tick_atom::value);
  return {
    [=](sweep_atom) -> caf::result<sweep_report> {
      auto promise = self->make_response_promise<sweep_report>();
      self->state.waiting.push_back(promise);
      sweep(self);
      return promise;
    },
    [=](tick_atom) {
      sweep(self);
      self->delayed_send(self, self->state.settings.interval, tick_atom::value);
    },
  };
}

} // namespace chat
