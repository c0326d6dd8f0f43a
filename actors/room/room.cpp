// The room actor's behavior: what each request does, in terms of its parts.
#include "actors/room/room.hpp"

#include <algorithm>

#include <caf/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "actors/room/room_parts.hpp"
#include "protocol/errors.hpp"

namespace chat {

using namespace room_parts;

room_actor::behavior_type room(room_actor::stateful_pointer<room_state> self, int64_t id,
                               room_settings settings, room_deps deps) {
  auto& st = self->state;
  st.id = id;
  st.settings = std::move(settings);
  st.deps = std::move(deps);
  st.dedupe.set_capacity(st.settings.dedupe_window);
  st.places.use(st.deps.gate);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    if (auto i = st.sagas.find(msg.source); i != st.sagas.end()) {
      // The saga died without reporting: its message is left to recovery.
      auto seq = i->second;
      st.sagas.erase(i);
      st.places.give_back();
      st.dedupe.forget_unsaved_seq(seq);
      settle(self, seq);
      saga_outcome outcome;
      outcome.decided = false;
      resolve_seq(self, seq, std::move(outcome));
      return;
    }
    if (session_down(self, msg.source))
      return;
    std::erase_if(st.subscribers,
                  [&](const subscriber_actor& s) { return s.address() == msg.source; });
  });
  activate(self);
  return {
    [=](send_atom, chat_message& msg, status_sink_actor& sink) -> caf::result<status_event> {
      // The sender re-resolves the room and sends to its new home.
      if (self->state.leaving)
        return make_error(chat_errc::room_stopped, "room moving to another node");
      return when_active<status_event>(self, [self, msg, sink] { return admit(self, msg, sink); });
    },
    [=](commit_atom, chat_message& msg) -> caf::result<int64_t> {
      auto promise = self->make_response_promise<int64_t>();
      self->state.commits.push_back(room_state::pending_commit{std::move(msg), promise});
      pump(self);
      return promise;
    },
    [=](abort_atom, chat_message& msg) -> caf::result<bool> {
      auto promise = self->make_response_promise<bool>();
      self->state.aborts.push_back(room_state::pending_abort{std::move(msg), promise});
      pump(self);
      return promise;
    },
    [=](change_atom, message_change& change) -> caf::result<change_outcome> {
      if (self->state.leaving)
        return make_error(chat_errc::room_stopped, "room moving to another node");
      // Queued before activation too: the store queue runs once the room is active.
      return request_change(self, std::move(change));
    },
    [=](reapply_atom, uint64_t token) {
      auto& reapplies = self->state.reapplies;
      if (auto i = reapplies.find(token); i != reapplies.end()) {
        auto fn = std::move(i->second);
        reapplies.erase(i);
        fn();
      }
    },
    [=](resolved_atom, saga_outcome& outcome) {
      auto& st = self->state;
      if (st.sagas.erase(caf::actor_cast<caf::actor_addr>(self->current_sender())) > 0)
        st.places.give_back();
      on_saga_resolved(self, outcome);
    },
    [=](recheck_atom, int64_t seq) { recheck_undecided(self, seq); },
    [=](subscribe_atom, subscriber_actor& subscriber) {
      return when_active<int64_t>(self, [self, subscriber] {
        auto& subs = self->state.subscribers;
        if (std::find(subs.begin(), subs.end(), subscriber) == subs.end()) {
          subs.push_back(subscriber);
          self->monitor(subscriber);
        }
        return self->state.delivered_seq;
      });
    },
    [=](unsubscribe_atom, const subscriber_actor& subscriber) {
      auto& subs = self->state.subscribers;
      subs.erase(std::remove(subs.begin(), subs.end(), subscriber), subs.end());
    },
    [=](reload_atom) -> caf::result<bool> {
      auto& st = self->state;
      auto promise = self->make_response_promise<bool>();
      self->request(st.deps.commits, st.settings.saga.step_timeout, members_atom::value, st.id)
        .then(
          [self, promise](std::vector<room_member>& members) mutable {
            auto& st = self->state;
            std::vector<int64_t> removed;
            for (auto& [user, member] : st.members)
              if (std::none_of(members.begin(), members.end(),
                               [&](const room_member& m) { return m.user_id == user; }))
                removed.push_back(user);
            set_members(self, members);
            // Former members stop receiving the room's events at once.
            if (!removed.empty())
              for (auto& subscriber : st.subscribers)
                self->send(subscriber, left_atom::value, st.id, removed);
            promise.deliver(true);
          },
          [self, promise](caf::error& err) mutable {
            spdlog::warn("room {} cannot reload its members: {}", self->state.id, describe(err));
            promise.deliver(err);
          });
      return promise;
    },
    [=](metadata_atom) {
      return when_active<room_metadata>(self, [self] { return self->state.meta; });
    },
    [=](is_member_atom, int64_t user) {
      return when_active<bool>(self, [self, user] { return self->state.members.count(user) > 0; });
    },
    [=](online_atom) {
      return when_active<std::vector<int64_t>>(self, [self] { return shown_online(self->state); });
    },
    [=](presence_snapshot_atom) {
      return when_active<std::vector<std::string>>(
        self, [self] { return presence_snapshot(self->state); });
    },
    [=](member_status_atom, int64_t user, const std::string& status) {
      status_changed(self, user, status);
    },
    [=](activity_atom, int64_t user, const std::string& activity) {
      activity_changed(self, user, activity);
    },
    [=](read_atom, int64_t user, int64_t seq, int64_t unread) {
      read_moved(self, user, seq, unread);
    },
    [=](typing_atom, int64_t user, bool typing) { typing_changed(self, user, typing); },
    [=](typing_end_atom, int64_t user) { typing_timer(self, user); },
    [=](presence_atom, int64_t user, bool open) {
      session_presence(self, user, open, caf::actor_cast<caf::actor_addr>(self->current_sender()));
    },
    [=](idle_atom) { on_idle_timer(self); },
    [=](handoff_atom) {
      auto& st = self->state;
      if (!st.leaving) {
        st.leaving = true;
        st.leave_by = std::chrono::steady_clock::now() + st.settings.saga.step_timeout * 3;
      }
      continue_handoff(self);
    },
  };
}

} // namespace chat
