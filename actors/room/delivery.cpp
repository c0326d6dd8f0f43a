// Delivery: committed messages leave the room strictly in seq order (a later message waits
// for an earlier one to resolve); members' unread counts and room updates follow them.
#include "actors/room/room_parts.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "protocol/codec/message_json.hpp"
#include "protocol/codec/room_json.hpp"
#include "protocol/errors.hpp"

namespace chat::room_parts {

void broadcast(room_ptr self, room_topic topic, int64_t seq, std::string body,
               std::string thread_id, int64_t sender_id) {
  room_broadcast event{self->state.id,       topic,    seq, std::move(body),
                       std::move(thread_id), sender_id};
  for (auto& subscriber : self->state.subscribers)
    self->send(subscriber, event);
}

namespace {

/// Tells the members' sessions (through the node's fan-out) how the room looks now.
void send_update(room_ptr self, std::vector<member_unread> members) {
  auto& st = self->state;
  if (!st.deps.fanout || members.empty())
    return;
  room_update update;
  update.room_id = st.id;
  update.last_message = st.last_message_json;
  update.last_sender_id = st.last_sender_id;
  update.last_message_seq = st.last_message_seq;
  update.last_activity_at = st.last_activity_at;
  update.members = std::move(members);
  self->send(st.deps.fanout, std::move(update));
}

/// Remembers a committed seq for exact unread counts of later reads.
void remember_committed(room_state& st, int64_t seq) {
  st.committed_seqs.push_back(seq);
  while (st.committed_seqs.size() > st.settings.unread_window) {
    st.committed_floor = st.committed_seqs.front();
    st.committed_seqs.pop_front();
  }
}

/// A committed message leaves the room, in seq order.
void deliver(room_ptr self, const chat_message& msg) {
  auto& st = self->state;
  remember_committed(st, msg.seq);
  std::vector<member_unread> members;
  members.reserve(st.members.size());
  for (auto& [user, member] : st.members) {
    if (user == msg.sender_id) {
      // Senders have read their own message (and everything before it).
      member.read_seq = std::max(member.read_seq, msg.seq);
      member.unread = 0;
    } else if (member.read_seq < msg.seq) {
      ++member.unread;
    }
    members.push_back(member_unread{user, member.unread});
  }
  st.last_activity_at = std::max(st.last_activity_at, msg.created_at);
  // A URL gets its preview off the hot path; the previewer looks closer.
  if (st.deps.previewer && msg.content.find("://") != std::string::npos)
    self->send(st.deps.previewer, preview_atom::value, st.id, msg.id, msg.content);
  if (st.subscribers.empty() && !st.deps.fanout)
    return;
  set_last_message(st, msg);
  if (!st.subscribers.empty())
    broadcast(self, room_topic::messages, msg.seq, st.last_message_json, msg.thread_id,
              msg.sender_id);
  send_update(self, std::move(members));
}

void notify_waiters(room_ptr self, dedupe_window::entry& entry, const status_event& status) {
  for (auto& waiter : entry.waiters)
    self->send(waiter, status);
  entry.waiters.clear();
}

} // namespace

void set_last_message(room_state& st, const chat_message& msg) {
  st.last_message_json = encode_message(msg);
  st.last_sender_id = msg.sender_id;
  st.last_message_seq = msg.seq;
}

void set_members(room_ptr self, const std::vector<room_member>& members) {
  auto& st = self->state;
  std::unordered_map<int64_t, room_state::member> now;
  for (auto& m : members) {
    auto& member = now[m.user_id];
    member.read_seq = m.read_seq;
    member.unread = m.unread;
    // What this actor counted since it read the store is newer than the store's count.
    if (auto i = st.members.find(m.user_id);
        i != st.members.end() && i->second.read_seq >= m.read_seq)
      member = i->second;
    member.status = m.status;
  }
  st.members = std::move(now);
}

void read_moved(room_ptr self, int64_t user, int64_t seq, int64_t unread_hint) {
  auto& st = self->state;
  st.touched = true;
  auto i = st.members.find(user);
  if (!st.active || i == st.members.end())
    return;
  auto& member = i->second;
  if (seq <= member.read_seq)
    return;
  member.read_seq = seq;
  if (!st.subscribers.empty())
    broadcast(self, room_topic::read, 0, read_receipt_json(st.id, user, seq));
  if (seq >= st.committed_floor) {
    // Exact: the committed seqs after the new position, among those delivered.
    auto first = std::upper_bound(st.committed_seqs.begin(), st.committed_seqs.end(), seq);
    member.unread = static_cast<int64_t>(std::distance(first, st.committed_seqs.end()));
  } else {
    member.unread = std::max<int64_t>(0, unread_hint);
  }
  send_update(self, {member_unread{user, member.unread}});
}

void message_deleted(room_ptr self, const chat_message& msg) {
  auto& st = self->state;
  auto i = std::lower_bound(st.committed_seqs.begin(), st.committed_seqs.end(), msg.seq);
  if (i != st.committed_seqs.end() && *i == msg.seq)
    st.committed_seqs.erase(i);
  if (msg.seq > st.delivered_seq)
    return; // not counted yet
  for (auto& [user, member] : st.members)
    if (member.read_seq < msg.seq && member.unread > 0)
      --member.unread;
}

bool last_message_changed(room_ptr self, const chat_message& msg) {
  auto& st = self->state;
  if (msg.seq != st.meta.last_seq)
    return false;
  set_last_message(st, msg);
  return true;
}

void update_members(room_ptr self) {
  auto& st = self->state;
  std::vector<member_unread> members;
  members.reserve(st.members.size());
  for (auto& [user, member] : st.members)
    members.push_back(member_unread{user, member.unread});
  send_update(self, std::move(members));
}

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

void on_saga_resolved(room_ptr self, saga_outcome& outcome) {
  auto& st = self->state;
  if (outcome.decided)
    settle(self, outcome.seq);
  // Another owner wrote this saga's seq: after this outcome, the room stops, so that the next
  // request finds the room's real owner (or claims it afresh, with the seqs as they are).
  caf::error moved;
  if (!outcome.committed && outcome.error_code == wire_code(chat_errc::fenced))
    moved = make_error(chat_errc::fenced, outcome.error_message);
  auto& msg = outcome.message;
  if (!outcome.decided && !outcome.duplicate) {
    // The message may be committed: later seqs wait for recovery's decision rather than
    // leave a gap, and the sender (and whoever sends the same tempId meanwhile) hears it then.
    if (auto* entry = st.dedupe.find(msg.sender_id, msg.temp_id); entry && entry->origin)
      entry->waiters.push_back(entry->origin);
    auto seq = outcome.seq;
    st.undecided.emplace(seq, std::move(outcome));
    self->delayed_send(self, st.settings.undecided_recheck, recheck_atom::value, seq);
    return;
  }
  if (auto* entry = st.dedupe.find(msg.sender_id, msg.temp_id)) {
    if (outcome.committed || (outcome.duplicate && msg.state == message_state::committed)) {
      entry->saved = true;
      entry->seq = msg.seq;
      entry->message_id = msg.id;
      notify_waiters(self, *entry,
                     make_status(st.id, msg.temp_id, delivery_status::saved, msg.seq, msg.id));
    } else {
      // Failed (or another saga's message in flight): a retry must be able to run again, so
      // the key is forgotten.
      if (!outcome.duplicate) {
        auto status = make_status(st.id, msg.temp_id, delivery_status::failed);
        status.saga_seq = outcome.seq;
        status.error_code = outcome.error_code;
        status.error_message = outcome.error_message;
        notify_waiters(self, *entry, status);
      }
      st.dedupe.forget(msg.sender_id, msg.temp_id);
    }
  }
  auto seq = outcome.seq;
  resolve_seq(self, seq, std::move(outcome));
  if (moved)
    fenced(self, moved);
}

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

} // namespace chat::room_parts
