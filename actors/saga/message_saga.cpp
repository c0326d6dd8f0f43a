#include "actors/saga/message_saga.hpp"

#include <algorithm>

#include <caf/sec.hpp>
#include <spdlog/spdlog.h>

#include "protocol/clock.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"
#include "protocol/types/room.hpp"

namespace chat {

bool is_ambiguous(const caf::error& err) {
  if (err == caf::sec::request_timeout || err == caf::sec::request_receiver_down)
    return true;
  switch (code_of(err)) {
  case chat_errc::store_in_doubt:
  case chat_errc::worker_crashed:
  case chat_errc::room_stopped:
    return true;
  default:
    return false;
  }
}

namespace {

using saga_ptr = message_saga_actor::stateful_pointer<message_saga_state>;

status_event saga_status(const chat_message& msg, delivery_status status) {
  auto result = make_status(msg.room_id, msg.temp_id, status);
  result.saga_seq = msg.seq;
  return result;
}

/// Tells the room how the saga ended and stops.
void finish(saga_ptr self, saga_outcome outcome) {
  auto& st = self->state;
  outcome.seq = st.message.seq;
  outcome.state = st.state;
  if (outcome.message.id.empty())
    outcome.message = st.message;
  self->send(st.deps.room, resolved_atom::value, std::move(outcome));
  --metrics::instance().sagas_running;
  self->quit();
}

void complete(saga_ptr self) {
  auto& st = self->state;
  st.state = saga_state::completed;
  st.message.state = message_state::committed;
  auto status = saga_status(st.message, delivery_status::saved);
  status.persisted_id = st.message.id;
  status.seq = st.message.seq;
  self->send(st.sink, std::move(status));
  auto& counters = metrics::instance();
  ++counters.sagas_completed;
  ++counters.messages_saved;
  auto elapsed = std::chrono::steady_clock::now() - st.started_at;
  counters.saga_latency_sum_us +=
    std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  ++counters.saga_latency_count;
  saga_outcome outcome;
  outcome.committed = true;
  finish(self, std::move(outcome));
}

/// The store already held this (sender, tempId): report that message, use nothing of ours.
void finish_duplicate(saga_ptr self, const chat_message& existing) {
  auto& st = self->state;
  st.state = saga_state::completed;
  bool saved = existing.state == message_state::committed;
  auto status =
    saga_status(st.message, saved ? delivery_status::saved : delivery_status::processing);
  status.persisted_id = saved ? existing.id : std::string{};
  status.seq = existing.seq;
  self->send(st.sink, std::move(status));
  ++metrics::instance().messages_duplicate;
  saga_outcome outcome;
  outcome.duplicate = true;
  outcome.message = existing;
  finish(self, std::move(outcome));
}

/// Compensation ended. `decided` is false when no durable decision could be written: then the
/// sender is told nothing final (recovery decides later).
void finish_failed(saga_ptr self, saga_state final_state, bool decided) {
  auto& st = self->state;
  st.state = final_state;
  auto& counters = metrics::instance();
  if (decided) {
    auto status = saga_status(st.message, delivery_status::failed);
    status.error_code = st.failure_code;
    status.error_message = st.failure_reason;
    self->send(st.sink, std::move(status));
    ++counters.messages_failed;
  } else {
    ++counters.sagas_undecided;
  }
  if (final_state == saga_state::compensated)
    ++counters.sagas_compensated;
  else
    ++counters.sagas_failed;
  saga_outcome outcome;
  outcome.decided = decided;
  outcome.error_code = st.failure_code;
  outcome.error_message = st.failure_reason;
  finish(self, std::move(outcome));
}

void run_undo(saga_ptr self);

/// A compensation step finally failed: record a dead letter (recovery retries it) and stop.
void give_up(saga_ptr self, const caf::error& err) {
  auto& st = self->state;
  auto step = st.undo.front();
  saga_dead_letter letter;
  letter.message_id = st.message.id;
  letter.room_id = st.message.room_id;
  letter.seq = st.message.seq;
  letter.sender_id = st.message.sender_id;
  letter.temp_id = st.message.temp_id;
  letter.reason = st.failure_reason + "; compensation step " +
                  (step == undo_step::abort_commit ? "abort_commit" : "delete_message") +
                  " failed: " + describe(err);
  letter.created_at = now_ms();
  spdlog::error("saga {} (room {}, seq {}) dead-lettered: {}", st.message.id, st.message.room_id,
                st.message.seq, letter.reason);
  auto timeout = st.settings.step_timeout;
  auto record = [self, letter, timeout](bool marked) {
    self->request(self->state.deps.commits, timeout, dead_atom::value, letter)
      .then([self](bool) { finish_failed(self, saga_state::failed, true); },
            [self, marked](caf::error& e) {
              spdlog::error("saga {}: cannot record its dead letter: {}", self->state.message.id,
                            describe(e));
              // Without the dead letter, only the compensating mark keeps recovery from
              // finishing a possibly committed message forward.
              finish_failed(self, saga_state::failed, marked);
            });
  };
  if (step == undo_step::abort_commit) {
    // The room commit may still exist: mark the message so that recovery compensates it.
    self->request(st.deps.messages, timeout, mark_atom::value, st.message.id)
      .then([record](bool) { record(true); }, [record](caf::error&) { record(false); });
  } else {
    // The rooms store is clean already; recovery deletes the message.
    record(true);
  }
}

void retry_or_give_up(saga_ptr self, const caf::error& err) {
  auto& st = self->state;
  if (code_of(err) == chat_errc::room_stopped || err == caf::sec::request_receiver_down)
    st.room_gone = true;
  if (static_cast<size_t>(++st.attempts) >= st.settings.compensation_attempts) {
    give_up(self, err);
    return;
  }
  auto backoff = st.settings.compensation_backoff * (1 << std::min(st.attempts - 1, 16));
  spdlog::debug("saga {}: compensation attempt {} failed ({}), retry in {}us", st.message.id,
                st.attempts, describe(err),
                std::chrono::duration_cast<std::chrono::microseconds>(backoff).count());
  self->delayed_send(self, backoff, retry_atom::value);
}

/// Runs the next compensation step.
void run_undo(saga_ptr self) {
  auto& st = self->state;
  if (st.undo.empty()) {
    finish_failed(self, saga_state::compensated, true);
    return;
  }
  auto done = [self] {
    self->state.undo.pop_front();
    self->state.attempts = 0;
    run_undo(self);
  };
  auto failed = [self](caf::error& err) { retry_or_give_up(self, err); };
  auto timeout = st.settings.step_timeout;
  switch (st.undo.front()) {
  case undo_step::abort_commit:
    if (!st.room_gone)
      self->request(st.deps.room, timeout, abort_atom::value, st.message)
        .then([done](bool) { done(); }, failed);
    else
      self
        ->request(st.deps.commits, timeout, resolve_atom::value, st.message.room_id, st.message.id,
                  true)
        .then([done](const resolution&) { done(); }, failed);
    break;
  case undo_step::delete_message:
    self->request(st.deps.messages, timeout, delete_atom::value, st.message.id)
      .then([done](bool) { done(); }, failed);
    break;
  }
}

/// Recovery decided the message while its commit was in doubt here (a new owner of the room
/// resolves the sagas it finds unfinished): its decision stands.
void accept_decision(saga_ptr self) {
  auto& st = self->state;
  self
    ->request(st.deps.messages, st.settings.step_timeout, find_atom::value, st.message.sender_id,
              st.message.temp_id)
    .then(
      [self](std::vector<chat_message>& found) {
        auto& st = self->state;
        auto ours = std::find_if(found.begin(), found.end(),
                                 [&](const chat_message& m) { return m.id == st.message.id; });
        if (ours == found.end()) {
          st.undo.clear(); // removed: nothing of it is left anywhere
          run_undo(self);
        } else if (ours->state == message_state::committed) {
          spdlog::debug("saga {}: recovery committed it meanwhile", st.message.id);
          complete(self);
        } else {
          run_undo(self);
        }
      },
      [self](caf::error&) { run_undo(self); });
}

/// Before undoing a commit that may exist: marks the message compensating, so that recovery
/// never finishes it forward from now on. If it is no longer pending, recovery decided first.
void claim_decision(saga_ptr self) {
  auto& st = self->state;
  self->request(st.deps.messages, st.settings.step_timeout, mark_atom::value, st.message.id)
    .then(
      [self](bool marked) {
        if (marked)
          run_undo(self);
        else
          accept_decision(self);
      },
      // Compensation goes on; its dead-letter path marks the message again.
      [self](caf::error&) { run_undo(self); });
}

/// A step failed: compensate what was done, or may have been done, in reverse.
void fail(saga_ptr self, const char* step, const caf::error& err, std::deque<undo_step> undo) {
  auto& st = self->state;
  st.state = saga_state::compensating;
  auto code = code_of(err);
  st.failure_code = wire_code(code == chat_errc::internal ? chat_errc::unavailable : code);
  st.failure_reason = std::string{step} + " failed: " + describe(err);
  st.undo = std::move(undo);
  st.attempts = 0;
  spdlog::debug("saga {} (room {}, seq {}) compensating: {}", st.message.id, st.message.room_id,
                st.message.seq, st.failure_reason);
  if (!st.undo.empty() && st.undo.front() == undo_step::abort_commit)
    claim_decision(self);
  else
    run_undo(self);
}

void step_finalize(saga_ptr self) {
  auto& st = self->state;
  self
    ->request(st.deps.messages, st.settings.step_timeout, finalize_atom::value, st.message.id,
              st.message.version)
    .then(
      [self](bool found) {
        if (found)
          complete(self);
        else
          fail(self, "finalize", make_error(chat_errc::not_found, "the message is gone"),
               {undo_step::abort_commit, undo_step::delete_message});
      },
      [self](caf::error& err) {
        fail(self, "finalize", err, {undo_step::abort_commit, undo_step::delete_message});
      });
}

void step_commit(saga_ptr self) {
  auto& st = self->state;
  self->request(st.deps.room, st.settings.step_timeout, commit_atom::value, st.message)
    .then(
      [self](int64_t version) {
        self->state.message.version = version;
        step_finalize(self);
      },
      [self](caf::error& err) {
        if (is_ambiguous(err))
          fail(self, "room commit", err, {undo_step::abort_commit, undo_step::delete_message});
        else
          fail(self, "room commit", err, {undo_step::delete_message});
      });
}

void step_insert(saga_ptr self) {
  auto& st = self->state;
  self->request(st.deps.messages, st.settings.step_timeout, insert_atom::value, st.message)
    .then(
      [self](insert_outcome& outcome) {
        auto& st = self->state;
        if (outcome.inserted)
          step_commit(self);
        else if (outcome.existing.room_id == st.message.room_id &&
                 outcome.existing.content == st.message.content)
          finish_duplicate(self, outcome.existing);
        else
          // Another message under the same (sender, tempId): nothing of ours was stored.
          fail(self, "insert",
               make_error(chat_errc::temp_id_reused,
                          "tempId " + st.message.temp_id + " was used for another message"),
               {});
      },
      [self](caf::error& err) {
        if (is_ambiguous(err))
          fail(self, "insert", err, {undo_step::delete_message});
        else
          fail(self, "insert", err, {});
      });
}

} // namespace

message_saga_actor::behavior_type
message_saga(message_saga_actor::stateful_pointer<message_saga_state> self, chat_message message,
             status_sink_actor sink, saga_deps deps, saga_settings settings) {
  auto& st = self->state;
  st.message = std::move(message);
  st.sink = std::move(sink);
  st.deps = std::move(deps);
  st.settings = settings;
  st.started_at = std::chrono::steady_clock::now();
  ++metrics::instance().sagas_running;
  step_insert(self);
  return {
    [=](retry_atom) { run_undo(self); },
  };
}

} // namespace chat
