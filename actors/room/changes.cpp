// Changes of existing messages (edit, delete, reactions, pins, previews). The room serializes
// them with its room commits: a batch of changes is one transaction at the commit store, each
// change one event in the room's version order. Then the messages store applies them (history
// and search show them), and only then the room tells /topic/message/updates/{roomId} and the
// requesters, batch after batch in version order.
#include "actors/room/room_parts.hpp"

#include <memory>

#include <caf/sec.hpp>
#include <spdlog/spdlog.h>

#include "protocol/codec/message_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"

namespace chat::room_parts {

namespace {

/// Tells the subscribers and requesters of every batch at the front whose applies are done.
void flush_applied(room_ptr self) {
  auto& st = self->state;
  bool room_changed = false;
  while (!st.applying.empty() && st.applying.front()->remaining == 0) {
    auto batch = st.applying.front();
    st.applying.pop_front();
    std::vector<std::string> ids;
    std::vector<int64_t> versions;
    for (size_t i = 0; i < batch->outcomes.size(); ++i) {
      auto& outcome = batch->outcomes[i];
      if (!st.subscribers.empty())
        broadcast(self, room_topic::updates, outcome.version,
                  update_json(outcome.kind, outcome.message, outcome.version), {},
                  outcome.message.sender_id);
      if (batch->unapplied.count(outcome.message.id) == 0) {
        ids.push_back(outcome.message.id);
        versions.push_back(outcome.version);
      }
      batch->promises[i].deliver(outcome);
    }
    for (auto& outcome : batch->outcomes)
      room_changed |= last_message_changed(self, outcome.message);
    // The applied changes need no recovery any more (best effort: recovery applies again).
    if (!ids.empty())
      self
        ->request(st.deps.commits, st.settings.saga.step_timeout, applied_atom::value,
                  std::move(ids), std::move(versions))
        .then([](bool) {}, [](caf::error&) {});
  }
  if (room_changed)
    update_members(self);
}

/// Has the messages store apply one changed message; retried with backoff, then left to
/// recovery (the change itself is durable in the rooms store).
void apply(room_ptr self, std::shared_ptr<room_state::applying_batch> batch, chat_message msg,
           int attempt) {
  auto& st = self->state;
  self->request(st.deps.messages, st.settings.saga.step_timeout, apply_atom::value, msg)
    .then(
      [self, batch](bool) {
        --batch->remaining;
        flush_applied(self);
      },
      [self, batch, msg, attempt](caf::error& err) {
        auto& st = self->state;
        if (static_cast<size_t>(attempt + 1) < st.settings.saga.compensation_attempts) {
          auto backoff = st.settings.saga.compensation_backoff * (1 << std::min(attempt, 16));
          auto token = ++st.last_reapply;
          st.reapplies.emplace(
            token, [self, batch, msg, attempt] { apply(self, batch, msg, attempt + 1); });
          self->delayed_send(self, backoff, reapply_atom::value, token);
          return;
        }
        spdlog::warn("room {}: the messages store did not apply the change of {}: {}; recovery "
                     "applies it",
                     st.id, msg.id, describe(err));
        batch->unapplied.insert(msg.id);
        --batch->remaining;
        flush_applied(self);
      });
}

} // namespace

caf::result<change_outcome> request_change(room_ptr self, message_change change) {
  auto& st = self->state;
  st.touched = true;
  if (st.unsettled.count(change.message_id) > 0)
    return make_error(chat_errc::message_pending,
                      "message " + change.message_id + " is still being saved");
  auto promise = self->make_response_promise<change_outcome>();
  st.changes.push_back(room_state::pending_change{std::move(change), promise});
  pump(self);
  return promise;
}

void settle(room_ptr self, int64_t seq) {
  auto& st = self->state;
  if (auto i = st.unsettled_ids.find(seq); i != st.unsettled_ids.end()) {
    st.unsettled.erase(i->second);
    st.unsettled_ids.erase(i);
  }
}

void take_changes(room_ptr self, std::vector<message_change>& changes, change_promises& promises) {
  auto& st = self->state;
  while (!st.changes.empty() && changes.size() < st.settings.max_commit_batch) {
    changes.push_back(std::move(st.changes.front().change));
    promises.push_back(std::move(st.changes.front().promise));
    st.changes.pop_front();
  }
  ++metrics::instance().change_batches;
  metrics::instance().changes += static_cast<int64_t>(changes.size());
}

void changes_decided(room_ptr self, change_promises& promises, change_result& result) {
  auto batch = std::make_shared<room_state::applying_batch>();
  // The latest state of each changed message, applied once.
  std::map<std::string, chat_message> latest;
  for (size_t i = 0; i < promises.size(); ++i) {
    if (i < result.errors.size() && result.errors[i]) {
      promises[i].deliver(result.errors[i]);
      continue;
    }
    if (i >= result.outcomes.size()) {
      promises[i].deliver(make_error(chat_errc::internal, "missing change outcome"));
      continue;
    }
    auto& outcome = result.outcomes[i];
    if (outcome.version == 0) {
      promises[i].deliver(outcome); // nothing changed: nothing to tell
      continue;
    }
    if (outcome.kind == change_kind::remove)
      message_deleted(self, outcome.message);
    latest[outcome.message.id] = outcome.message;
    batch->outcomes.push_back(outcome);
    batch->promises.push_back(promises[i]);
  }
  batch->remaining = latest.size();
  self->state.applying.push_back(batch);
  for (auto& [id, msg] : latest)
    apply(self, batch, msg, 0);
  flush_applied(self);
}

void run_changes(room_ptr self) {
  auto& st = self->state;
  change_batch request;
  request.room_id = st.id;
  request.epoch = st.meta.owner_epoch;
  auto promises = std::make_shared<change_promises>();
  take_changes(self, request.changes, *promises);
  st.store_busy = true;
  self
    ->request(st.deps.commits, st.settings.saga.step_timeout, change_atom::value,
              std::move(request))
    .then(
      [self, promises](change_result& result) {
        auto& st = self->state;
        st.store_busy = false;
        st.meta = result.room;
        changes_decided(self, *promises, result);
        pump(self);
      },
      [self, promises](caf::error& err) {
        store_request_failed(self, *promises, err, "message change timed out");
      });
}

} // namespace chat::room_parts
