// Presence and typing. A member is present while one of their sessions (on any node) is
// open: every session of the user tells the room, which watches it, so a session whose node
// died counts as closed once the cluster notices. Typing indicators end with a stop, or by
// themselves when they get no news for room.typing-timeout. A member whose status is OFFLINE
// (invisible) is never shown present: not announced, not in a snapshot, not online.
#include "actors/room/room_parts.hpp"

#include "protocol/clock.hpp"
#include "protocol/codec/room_json.hpp"
#include "protocol/metrics.hpp"

namespace chat::room_parts {

namespace {

bool invisible(const room_state& st, int64_t user) {
  auto i = st.members.find(user);
  return i == st.members.end() || i->second.status == "OFFLINE";
}

std::string event_of(const room_state& st, int64_t user, bool active) {
  auto i = st.members.find(user);
  static const std::string unknown = "OFFLINE";
  return presence_json(st.id, user, active, i == st.members.end() ? unknown : i->second.status,
                       i == st.members.end() ? std::string{} : i->second.activity, now_ms());
}

void announce(room_ptr self, int64_t user, bool active) {
  auto& st = self->state;
  if (!st.subscribers.empty() && !invisible(st, user))
    broadcast(self, room_topic::active, 0, event_of(st, user, active));
}

void close_session(room_ptr self, int64_t user, const caf::actor_addr& session) {
  auto& st = self->state;
  auto i = st.sessions.find(user);
  if (i == st.sessions.end() || i->second.erase(session) == 0)
    return;
  --metrics::instance().presence_sessions;
  --*st.presence_counted;
  if (!i->second.empty())
    return; // another session of the user is still open
  st.sessions.erase(i);
  announce(self, user, false);
  // What the member did ends with their last session.
  if (auto m = st.members.find(user); m != st.members.end())
    m->second.activity.clear();
}

} // namespace

void session_presence(room_ptr self, int64_t user, bool open, const caf::actor_addr& session) {
  auto& st = self->state;
  st.touched = true;
  if (!session)
    return;
  if (!st.active) {
    // A session that announces itself while the room activates counts once the members are
    // known (the first announcement of a new room's members comes exactly then).
    st.deferred.push_back([self, user, open, session](const caf::error& err) {
      if (!err)
        session_presence(self, user, open, session);
    });
    return;
  }
  if (!open) {
    close_session(self, user, session);
    return;
  }
  if (st.members.count(user) == 0)
    return;
  auto& open_sessions = st.sessions[user];
  if (!open_sessions.insert(session).second)
    return;
  ++metrics::instance().presence_sessions;
  ++*st.presence_counted;
  self->monitor(session);
  if (open_sessions.size() == 1)
    announce(self, user, true);
}

void status_changed(room_ptr self, int64_t user, const std::string& status) {
  auto& st = self->state;
  st.touched = true;
  auto i = st.members.find(user);
  if (!st.active || i == st.members.end() || i->second.status == status)
    return;
  bool was_shown = i->second.status != "OFFLINE";
  i->second.status = status;
  bool present = st.sessions.count(user) > 0;
  if (st.subscribers.empty())
    return;
  if (status == "OFFLINE") {
    // Going invisible looks like leaving to the others.
    if (was_shown && present)
      broadcast(self, room_topic::active, 0, event_of(st, user, false));
    return;
  }
  broadcast(self, room_topic::active, 0, event_of(st, user, present));
}

void activity_changed(room_ptr self, int64_t user, const std::string& activity) {
  auto& st = self->state;
  st.touched = true;
  auto i = st.members.find(user);
  if (!st.active || i == st.members.end() || st.sessions.count(user) == 0 ||
      i->second.activity == activity)
    return;
  i->second.activity = activity;
  announce(self, user, true);
}

std::vector<int64_t> shown_online(const room_state& st) {
  std::vector<int64_t> users;
  for (auto& [user, sessions] : st.sessions)
    if (!invisible(st, user))
      users.push_back(user);
  std::sort(users.begin(), users.end());
  return users;
}

std::vector<std::string> presence_snapshot(const room_state& st) {
  std::vector<std::string> events;
  for (auto user : shown_online(st))
    events.push_back(event_of(st, user, true));
  return events;
}

bool session_down(room_ptr self, const caf::actor_addr& session) {
  auto& st = self->state;
  for (auto& [user, open_sessions] : st.sessions)
    if (open_sessions.count(session) > 0) {
      auto who = user;
      close_session(self, who, session);
      return true;
    }
  return false;
}

void typing_changed(room_ptr self, int64_t user, bool typing) {
  auto& st = self->state;
  if (!st.active || st.members.count(user) == 0)
    return;
  if (typing) {
    st.typing[user] = self->clock().now() + st.settings.typing_timeout;
    self->delayed_send(self, st.settings.typing_timeout, typing_end_atom::value, user);
  } else if (st.typing.erase(user) == 0) {
    return; // not typing: nothing to end
  }
  if (!st.subscribers.empty())
    broadcast(self, room_topic::typing, 0, typing_json(st.id, user, typing));
}

void typing_timer(room_ptr self, int64_t user) {
  auto& st = self->state;
  auto i = st.typing.find(user);
  // A later start moved the deadline: its own timer ends it.
  if (i == st.typing.end() || self->clock().now() < i->second)
    return;
  st.typing.erase(i);
  if (!st.subscribers.empty())
    broadcast(self, room_topic::typing, 0, typing_json(st.id, user, false));
}

} // namespace chat::room_parts
