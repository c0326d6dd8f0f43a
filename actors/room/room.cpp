#include "actors/room/room.hpp"

#include <algorithm>
#include <memory>

#include <caf/sec.hpp>
#include <caf/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "actors/saga/message_saga.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/codec/room_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"
#include "protocol/uuid.hpp"

namespace chat {

std::string dedupe_key(int64_t sender_id, const std::string& temp_id) {
  auto key = std::to_string(sender_id);
  key += ':';
  key += temp_id;
  return key;
}

namespace {

using room_ptr = room_actor::stateful_pointer<room_state>;

status_event make_status(int64_t room_id, const std::string& temp_id, delivery_status status,
                         int64_t seq = 0, std::string persisted_id = {}) {
  status_event result;
  result.room_id = room_id;
  result.temp_id = temp_id;
  result.status = status;
  result.seq = seq;
  result.persisted_id = std::move(persisted_id);
  result.created_at = now_ms();
  return result;
}

status_event rejection(int64_t room_id, const std::string& temp_id, chat_errc code,
                       std::string text) {
  auto result = make_status(room_id, temp_id, delivery_status::failed);
  result.error_code = wire_code(code);
  result.error_message = std::move(text);
  ++metrics::instance().messages_rejected;
  return result;
}

void remember(room_ptr self, const std::string& key, room_state::dedupe_entry entry) {
  auto& st = self->state;
  if (st.dedupe.emplace(key, std::move(entry)).second) {
    st.dedupe_order.push_back(key);
    // Forget the oldest keys; the store's unique (sender, tempId) index still catches them.
    while (st.dedupe_order.size() > st.settings.dedupe_window) {
      st.dedupe.erase(st.dedupe_order.front());
      st.dedupe_order.pop_front();
    }
  }
}

// -- delivery ---------------------------------------------------------------------------------

/// Sends an event to every subscriber (encoded once, whatever their number).
void broadcast(room_ptr self, room_topic topic, int64_t seq, std::string body) {
  room_broadcast event{self->state.id, topic, seq, std::move(body)};
  for (auto& subscriber : self->state.subscribers)
    self->send(subscriber, event);
}

int64_t unread_of(const room_state& st, int64_t read_seq) {
  return std::max<int64_t>(0, st.delivered_seq - read_seq);
}

/// Tells the members' sessions (through the node's fan-out) how the room looks now.
void send_update(room_ptr self, std::vector<member_unread> members) {
  auto& st = self->state;
  if (!st.deps.fanout || members.empty())
    return;
  room_update update;
  update.room_id = st.id;
  update.last_message = st.last_message_json;
  update.last_activity_at = st.last_activity_at;
  update.members = std::move(members);
  self->send(st.deps.fanout, std::move(update));
}

/// A committed message leaves the room, in seq order.
void deliver(room_ptr self, const chat_message& msg) {
  auto& st = self->state;
  auto& reader = st.members[msg.sender_id];
  reader = std::max(reader, msg.seq); // senders have read their own message
  st.last_activity_at = std::max(st.last_activity_at, msg.created_at);
  if (st.subscribers.empty() && !st.deps.fanout)
    return;
  st.last_message_json = encode_message(msg);
  if (!st.subscribers.empty())
    broadcast(self, room_topic::messages, msg.seq, st.last_message_json);
  std::vector<member_unread> members;
  members.reserve(st.members.size());
  for (auto& [user, read_seq] : st.members)
    members.push_back(member_unread{user, std::max<int64_t>(0, msg.seq - read_seq)});
  send_update(self, std::move(members));
}

/// Records a resolved seq and delivers everything that is now in order.
void resolve_seq(room_ptr self, int64_t seq, saga_outcome outcome) {
  auto& st = self->state;
  if (seq <= st.delivered_seq)
    return;
  st.resolved.emplace(seq, std::move(outcome));
  while (!st.resolved.empty() && st.resolved.begin()->first == st.delivered_seq + 1) {
    auto node = st.resolved.extract(st.resolved.begin());
    st.delivered_seq = node.key();
    if (node.mapped().committed)
      deliver(self, node.mapped().message);
  }
}

void notify_waiters(room_ptr self, room_state::dedupe_entry& entry, const status_event& status) {
  for (auto& waiter : entry.waiters)
    self->send(waiter, status);
  entry.waiters.clear();
}

void fenced(room_ptr self, const caf::error& err);

void on_saga_resolved(room_ptr self, saga_outcome& outcome) {
  auto& st = self->state;
  // Another owner wrote this saga's seq: after this outcome, the room stops, so that the next
  // request finds the room's real owner (or claims it afresh, with the seqs as they are).
  caf::error moved;
  if (!outcome.committed && outcome.error_code == wire_code(chat_errc::fenced))
    moved = make_error(chat_errc::fenced, outcome.error_message);
  auto& msg = outcome.message;
  auto key = dedupe_key(msg.sender_id, msg.temp_id);
  if (!outcome.decided && !outcome.duplicate) {
    // The message may be committed: later seqs wait for recovery's decision rather than
    // leave a gap, and the sender (and whoever sends the same tempId meanwhile) hears it then.
    if (auto i = st.dedupe.find(key); i != st.dedupe.end() && i->second.origin)
      i->second.waiters.push_back(i->second.origin);
    auto seq = outcome.seq;
    st.undecided.emplace(seq, std::move(outcome));
    self->delayed_send(self, st.settings.undecided_recheck, recheck_atom::value, seq);
    return;
  }
  if (auto i = st.dedupe.find(key); i != st.dedupe.end()) {
    auto& entry = i->second;
    if (outcome.committed || (outcome.duplicate && msg.state == message_state::committed)) {
      entry.saved = true;
      entry.seq = msg.seq;
      entry.message_id = msg.id;
      notify_waiters(self, entry,
                     make_status(st.id, msg.temp_id, delivery_status::saved, msg.seq, msg.id));
    } else {
      // Failed (or another saga's message in flight): a retry must be able to run again, so
      // the key is forgotten.
      if (!outcome.duplicate) {
        auto status = make_status(st.id, msg.temp_id, delivery_status::failed);
        status.saga_seq = outcome.seq;
        status.error_code = outcome.error_code;
        status.error_message = outcome.error_message;
        notify_waiters(self, entry, status);
      }
      st.dedupe.erase(i);
    }
  }
  auto seq = outcome.seq;
  resolve_seq(self, seq, std::move(outcome));
  if (moved)
    fenced(self, moved);
}

/// Asks the messages store whether recovery decided an undecided saga's message: committed
/// (no pending mark left), removed, or still open (asked again later).
void recheck_undecided(room_ptr self, int64_t seq) {
  auto& st = self->state;
  auto i = st.undecided.find(seq);
  if (i == st.undecided.end())
    return;
  auto& msg = i->second.message;
  auto again = [self, seq] {
    self->delayed_send(self, self->state.settings.undecided_recheck, recheck_atom::value, seq);
  };
  self
    ->request(st.deps.messages, st.settings.saga.step_timeout, find_atom::value, msg.sender_id,
              msg.temp_id)
    .then(
      [self, seq, again](std::vector<chat_message>& found) {
        auto& st = self->state;
        auto i = st.undecided.find(seq);
        if (i == st.undecided.end())
          return;
        auto outcome = std::move(i->second);
        auto ours = std::find_if(found.begin(), found.end(),
                                 [&](const chat_message& m) { return m.id == outcome.message.id; });
        if (ours != found.end() && ours->state != message_state::committed) {
          i->second = std::move(outcome);
          again();
          return;
        }
        st.undecided.erase(i);
        outcome.decided = true;
        if (ours != found.end()) {
          spdlog::info("room {}: undecided message {} was committed by recovery", st.id,
                       outcome.message.id);
          outcome.committed = true;
          outcome.message = std::move(*ours);
        }
        on_saga_resolved(self, outcome);
      },
      [again](caf::error&) { again(); });
}

// -- store operations -------------------------------------------------------------------------

void pump(room_ptr self);

/// The owner epoch moved on: another owner exists. Fail what waits and stop.
void fenced(room_ptr self, const caf::error& err) {
  auto& st = self->state;
  spdlog::warn("room {} fenced, stopping: {}", st.id, describe(err));
  ++metrics::instance().rooms_fenced;
  for (auto& pending : st.commits)
    pending.promise.deliver(err);
  st.commits.clear();
  // Sagas abort through the store directly once the room is gone.
  for (auto& pending : st.aborts)
    pending.promise.deliver(make_error(chat_errc::room_stopped, "room fenced"));
  st.aborts.clear();
  self->quit(err);
}

void run_commit(room_ptr self) {
  auto& st = self->state;
  room_commit request;
  request.room_id = st.id;
  request.epoch = st.meta.owner_epoch;
  auto promises = std::make_shared<std::vector<caf::typed_response_promise<int64_t>>>();
  while (!st.commits.empty() && request.messages.size() < st.settings.max_commit_batch) {
    request.messages.push_back(std::move(st.commits.front().message));
    promises->push_back(std::move(st.commits.front().promise));
    st.commits.pop_front();
  }
  auto& counters = metrics::instance();
  ++counters.room_commit_batches;
  counters.room_commit_messages += static_cast<int64_t>(request.messages.size());
  // Within a batch, event versions follow seq order (across batches they follow the order in
  // which the messages' inserts finished).
  std::vector<size_t> order(request.messages.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return request.messages[a].seq < request.messages[b].seq; });
  {
    std::vector<chat_message> sorted;
    std::vector<caf::typed_response_promise<int64_t>> sorted_promises;
    for (auto i : order) {
      sorted.push_back(std::move(request.messages[i]));
      sorted_promises.push_back(std::move((*promises)[i]));
    }
    request.messages = std::move(sorted);
    *promises = std::move(sorted_promises);
  }
  auto ids = std::make_shared<std::vector<std::string>>();
  for (auto& msg : request.messages)
    ids->push_back(msg.id);
  st.store_busy = true;
  self
    ->request(st.deps.commits, st.settings.saga.step_timeout, commit_atom::value,
              std::move(request))
    .then(
      [self, promises, ids](commit_result& result) {
        auto& st = self->state;
        st.store_busy = false;
        st.meta = std::move(result.room);
        for (size_t i = 0; i < promises->size(); ++i) {
          auto& id = (*ids)[i];
          if (std::find(result.rejected.begin(), result.rejected.end(), id) !=
              result.rejected.end())
            (*promises)[i].deliver(
              make_error(chat_errc::tombstoned, "message " + id + " was aborted"));
          else
            (*promises)[i].deliver(result.versions[i]);
        }
        pump(self);
      },
      [self, promises](caf::error& err) {
        self->state.store_busy = false;
        if (code_of(err) == chat_errc::fenced) {
          for (auto& promise : *promises)
            promise.deliver(err);
          fenced(self, err);
          return;
        }
        // A timeout leaves the commit's outcome open: the sagas must treat it as in doubt.
        auto reply = err == caf::sec::request_timeout
                       ? make_error(chat_errc::store_in_doubt, "room commit timed out")
                       : err;
        for (auto& promise : *promises)
          promise.deliver(reply);
        pump(self);
      });
}

void run_abort(room_ptr self) {
  auto& st = self->state;
  auto pending = std::move(st.aborts.front());
  st.aborts.pop_front();
  st.store_busy = true;
  auto promise = pending.promise;
  self
    ->request(st.deps.commits, st.settings.saga.step_timeout, resolve_atom::value, st.id,
              pending.message.id, true)
    .then(
      [self, promise](resolution& result) mutable {
        self->state.store_busy = false;
        if (result.room.id == self->state.id)
          self->state.meta = std::move(result.room);
        promise.deliver(true);
        pump(self);
      },
      [self, promise](caf::error& err) mutable {
        self->state.store_busy = false;
        promise.deliver(err);
        pump(self);
      });
}

/// Starts the next store operation unless one is running.
void pump(room_ptr self) {
  auto& st = self->state;
  if (st.store_busy || !st.active)
    return;
  if (!st.aborts.empty())
    run_abort(self);
  else if (!st.commits.empty())
    run_commit(self);
}

// -- admission --------------------------------------------------------------------------------

status_event admit(room_ptr self, chat_message msg, status_sink_actor sink) {
  auto& st = self->state;
  if (msg.room_id != st.id)
    return rejection(st.id, msg.temp_id, chat_errc::invalid_input, "wrong room");
  if (st.members.count(msg.sender_id) == 0)
    return rejection(st.id, msg.temp_id, chat_errc::not_member,
                     "user " + std::to_string(msg.sender_id) + " is not a member of room " +
                       std::to_string(st.id));
  if (msg.content.empty() && msg.forwarded_from.empty())
    return rejection(st.id, msg.temp_id, chat_errc::invalid_input, "empty message");
  if (msg.content.find('\0') != std::string::npos || msg.temp_id.find('\0') != std::string::npos)
    return rejection(st.id, msg.temp_id, chat_errc::invalid_input, "NUL in message");
  if (msg.temp_id.empty())
    msg.temp_id = make_uuid();
  auto key = dedupe_key(msg.sender_id, msg.temp_id);
  if (auto i = st.dedupe.find(key); i != st.dedupe.end()) {
    auto& entry = i->second;
    ++metrics::instance().messages_duplicate;
    if (entry.saved)
      return make_status(st.id, msg.temp_id, delivery_status::saved, entry.seq, entry.message_id);
    if (std::find(entry.waiters.begin(), entry.waiters.end(), sink) == entry.waiters.end())
      entry.waiters.push_back(sink);
    return make_status(st.id, msg.temp_id, delivery_status::processing, entry.seq);
  }
  msg.id = make_uuid();
  msg.seq = st.next_seq++;
  if (msg.created_at == 0)
    msg.created_at = now_ms();
  msg.state = message_state::pending;
  remember(self, key, room_state::dedupe_entry{msg.seq, msg.id, false, {}, sink});
  auto saga = self->spawn(message_saga, msg, sink,
                          saga_deps{st.deps.messages, st.deps.commits, self}, st.settings.saga);
  self->monitor(saga);
  st.sagas.emplace(saga.address(), msg.seq);
  ++metrics::instance().messages_accepted;
  return make_status(st.id, msg.temp_id, delivery_status::processing, msg.seq);
}

// -- activation and passivation ---------------------------------------------------------------

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
  self->attach_functor([] { --metrics::instance().rooms_active; });
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
          auto& st = self->state;
          if (result.room.id == st.id)
            st.meta = result.room;
          auto finish = [one_done](bool) { one_done(); };
          auto failed = [one_done](caf::error&) { one_done(); };
          if (result.committed)
            self->request(st.deps.messages, timeout, finalize_atom::value, id).then(finish, failed);
          else
            self->request(st.deps.messages, timeout, delete_atom::value, id).then(finish, failed);
        },
        // Left for the recovery sweeper.
        [one_done](caf::error&) { one_done(); });
  }
}

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
          st.last_message_json = encode_message(st.meta.last_message);
        for (auto& member : claim.members)
          st.members.emplace(member.user_id, member.read_seq);
        self
          ->request(st.deps.messages, timeout, snapshot_atom::value, st.id,
                    static_cast<int32_t>(st.settings.dedupe_window))
          .then(
            [self](room_snapshot& snapshot) {
              auto& st = self->state;
              st.next_seq = std::max(st.meta.last_seq, snapshot.max_seq) + 1;
              st.delivered_seq = st.next_seq - 1;
              // Oldest first, so that the window keeps the newest.
              for (auto i = snapshot.recent.rbegin(); i != snapshot.recent.rend(); ++i)
                if (i->state == message_state::committed)
                  remember(self, dedupe_key(i->sender_id, i->temp_id),
                           room_state::dedupe_entry{i->seq, i->id, true, {}});
              recover_unfinished(self, std::move(snapshot.unfinished));
            },
            [self](caf::error& err) { finish_activation(self, err); });
      },
      [self](caf::error& err) { finish_activation(self, err); });
}

/// Whether sagas or store operations are in flight.
bool working(room_ptr self) {
  auto& st = self->state;
  return !st.sagas.empty() || st.store_busy || !st.commits.empty() || !st.aborts.empty() ||
         !st.resolved.empty();
}

bool idle(room_ptr self) {
  auto& st = self->state;
  return st.active && !working(self) && st.subscribers.empty() && st.undecided.empty();
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

/// Runs `fn` now if the room is active, after activation otherwise.
template <class T, class F> caf::result<T> when_active(room_ptr self, F fn) {
  auto& st = self->state;
  st.touched = true;
  if (st.active)
    return fn();
  auto promise = self->make_response_promise<T>();
  st.deferred.push_back([promise, fn](const caf::error& err) mutable {
    if (err)
      promise.deliver(err);
    else
      promise.deliver(fn());
  });
  return promise;
}

} // namespace

room_actor::behavior_type room(room_actor::stateful_pointer<room_state> self, int64_t id,
                               room_settings settings, room_deps deps) {
  auto& st = self->state;
  st.id = id;
  st.settings = std::move(settings);
  st.deps = std::move(deps);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    if (auto i = st.sagas.find(msg.source); i != st.sagas.end()) {
      // The saga died without reporting: its message is left to recovery.
      auto seq = i->second;
      st.sagas.erase(i);
      for (auto j = st.dedupe.begin(); j != st.dedupe.end(); ++j)
        if (j->second.seq == seq && !j->second.saved) {
          st.dedupe.erase(j);
          break;
        }
      saga_outcome outcome;
      outcome.decided = false;
      resolve_seq(self, seq, std::move(outcome));
      return;
    }
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
    [=](resolved_atom, saga_outcome& outcome) {
      self->state.sagas.erase(caf::actor_cast<caf::actor_addr>(self->current_sender()));
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
            std::unordered_map<int64_t, int64_t> now;
            for (auto& member : members)
              now.emplace(member.user_id, member.read_seq);
            std::vector<int64_t> removed;
            for (auto& [user, read_seq] : st.members)
              if (now.count(user) == 0)
                removed.push_back(user);
            st.members = std::move(now);
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
    [=](read_atom, int64_t user, int64_t seq) {
      auto& st = self->state;
      st.touched = true;
      auto i = st.members.find(user);
      if (!st.active || i == st.members.end())
        return;
      i->second = std::max(i->second, seq);
      send_update(self, {member_unread{user, unread_of(st, i->second)}});
    },
    [=](typing_atom, int64_t user, bool typing) {
      auto& st = self->state;
      if (!st.active || st.members.count(user) == 0 || st.subscribers.empty())
        return;
      broadcast(self, room_topic::typing, 0, typing_json(st.id, user, typing));
    },
    [=](presence_atom, int64_t user, bool active) {
      auto& st = self->state;
      if (!st.active || st.members.count(user) == 0 || st.subscribers.empty())
        return;
      broadcast(self, room_topic::active, 0, presence_json(st.id, user, active, now_ms()));
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
