// A room's life: activation (claim under a new owner epoch, snapshot, resolving what a crash
// left behind), passivation when idle, and handoff when the room belongs to another node.
#include "actors/room/room_parts.hpp"

#include <memory>

#include <spdlog/spdlog.h>

#include "protocol/codec/message_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"

namespace chat::room_parts {

namespace {

void arm_idle_timer(room_ptr self) {
  self->delayed_send(self, self->state.settings.idle_timeout, idle_atom::value);
}

void finish_activation(room_ptr self, const caf::error& err) {
  auto& st = self->state;
  auto deferred = std::move(st.deferred);
  st.deferred.clear();
  if (err) {
    spdlog::warn("room {} cannot activate: {}", st.id, describe(err));
    for (auto& fn : deferred)
      fn(err);
    self->quit(err);
    return;
  }
  st.active = true;
  ++metrics::instance().rooms_active;
  // The state is gone when attached functors run: they get what they need by value.
  self->attach_functor([counted = st.presence_counted] {
    --metrics::instance().rooms_active;
    metrics::instance().presence_sessions -= *counted;
  });
  arm_idle_timer(self);
  for (auto& fn : deferred)
    fn(caf::error{});
  pump(self);
}

/// Resolves the sagas a crash or a lost owner left behind, before serving: their messages
/// are finished forward when their room commit exists, removed otherwise.
void recover_unfinished(room_ptr self, std::vector<chat_message> unfinished) {
  if (unfinished.empty()) {
    finish_activation(self, caf::error{});
    return;
  }
  auto& st = self->state;
  auto remaining = std::make_shared<size_t>(unfinished.size());
  auto one_done = [self, remaining] {
    if (--*remaining == 0)
      finish_activation(self, caf::error{});
  };
  auto timeout = st.settings.saga.step_timeout;
  for (auto& msg : unfinished) {
    auto abort = msg.state == message_state::compensating;
    self->request(st.deps.commits, timeout, resolve_atom::value, st.id, msg.id, abort)
      .then(
        [self, one_done, id = msg.id, timeout](resolution& result) {
          auto version = result.version;
          auto& st = self->state;
          if (result.room.id == st.id)
            st.meta = result.room;
          auto finish = [one_done](bool) { one_done(); };
          auto failed = [one_done](caf::error&) { one_done(); };
          if (result.committed)
            self->request(st.deps.messages, timeout, finalize_atom::value, id, version)
              .then(finish, failed);
          else
            self->request(st.deps.messages, timeout, delete_atom::value, id).then(finish, failed);
        },
        // Left for the recovery sweeper.
        [one_done](caf::error&) { one_done(); });
  }
}

/// Whether sagas or store operations are in flight.
bool working(room_ptr self) {
  auto& st = self->state;
  return !st.sagas.empty() || st.store_busy || !st.commits.empty() || !st.aborts.empty() ||
         !st.changes.empty() || !st.applying.empty() || !st.resolved.empty();
}

/// Nothing would be lost by stopping: no work, no subscriber, no present member (a new actor
/// would not know who is present).
bool idle(room_ptr self) {
  auto& st = self->state;
  return st.active && !working(self) && st.subscribers.empty() && st.undecided.empty() &&
         st.sessions.empty();
}

} // namespace

void activate(room_ptr self) {
  auto& st = self->state;
  // Rooms that activate together (a node start, a failover) queue up at the stores: their
  // claims and snapshots are batched, but they get more time than a saga step.
  auto timeout = st.settings.saga.step_timeout * 3;
  self->request(st.deps.commits, timeout, claim_atom::value, st.id, st.settings.node)
    .then(
      [self, timeout](room_claim& claim) {
        auto& st = self->state;
        st.meta = std::move(claim.room);
        st.last_activity_at = st.meta.last_activity_at;
        if (st.meta.has_last_message)
          set_last_message(st, st.meta.last_message);
        set_members(self, claim.members);
        self
          ->request(st.deps.messages, timeout, snapshot_atom::value, st.id,
                    static_cast<int32_t>(st.settings.dedupe_window))
          .then(
            [self](room_snapshot& snapshot) {
              auto& st = self->state;
              st.next_seq = std::max(st.meta.last_seq, snapshot.max_seq) + 1;
              st.delivered_seq = st.next_seq - 1;
              st.committed_floor = st.delivered_seq;
              // Oldest first, so that the window keeps the newest.
              for (auto i = snapshot.recent.rbegin(); i != snapshot.recent.rend(); ++i)
                if (i->state == message_state::committed)
                  st.dedupe.remember(
                    i->sender_id, i->temp_id,
                    dedupe_window::entry{
                      i->seq, i->id, dedupe_window::hash_content(i->content), true, {}, {}});
              recover_unfinished(self, std::move(snapshot.unfinished));
            },
            [self](caf::error& err) { finish_activation(self, err); });
      },
      [self](caf::error& err) { finish_activation(self, err); });
}

void on_idle_timer(room_ptr self) {
  auto& st = self->state;
  if (st.touched || !idle(self)) {
    st.touched = false;
    arm_idle_timer(self);
    return;
  }
  if (!st.deps.manager) {
    self->quit();
    return;
  }
  // await: nothing may slip in between the manager forgetting the room and the room stopping.
  self->request(st.deps.manager, st.settings.saga.step_timeout, idle_atom::value, st.id)
    .await(
      [self](bool forgotten) {
        if (forgotten)
          self->quit();
        else
          arm_idle_timer(self);
      },
      [self](caf::error&) { arm_idle_timer(self); });
}

/// Handing off: stops once no saga and no store operation is in flight, so that its sagas
/// finish here rather than being fenced by the new home.
void continue_handoff(room_ptr self) {
  auto& st = self->state;
  if (!st.active) {
    finish_activation(self, make_error(chat_errc::room_stopped, "room moved to another node"));
    return;
  }
  if (!working(self) || std::chrono::steady_clock::now() >= st.leave_by) {
    spdlog::info("room {} handed off", st.id);
    self->quit();
    return;
  }
  self->delayed_send(self, std::chrono::milliseconds(10), handoff_atom::value);
}

} // namespace chat::room_parts
