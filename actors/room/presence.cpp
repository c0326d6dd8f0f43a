// Presence and typing. A member is present while one of their sessions (on any node) is
// open: every session of the user tells the room, which watches it, so a session whose node
// died counts as closed once the cluster notices. Typing indicators end with a stop, or by
// themselves when they get no news for room.typing-timeout.
#include "actors/room/room_parts.hpp"

#include "protocol/clock.hpp"
#include "protocol/codec/room_json.hpp"
#include "protocol/metrics.hpp"

namespace chat::room_parts {

namespace {

void announce(room_ptr self, int64_t user, bool active) {
  auto& st = self->state;
  if (!st.subscribers.empty())
    broadcast(self, room_topic::active, 0, presence_json(st.id, user, active, now_ms()));
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
