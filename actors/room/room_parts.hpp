// The parts of a room actor, as they call each other (room.cpp holds the behavior table).
#pragma once

#include <string>
#include <vector>

#include <caf/error.hpp>

#include "actors/room/room.hpp"

namespace chat::room_parts {

using room_ptr = room_actor::stateful_pointer<room_state>;

// -- admission.cpp ----------------------------------------------------------------------------

/// Checks a message (membership, dedupe, content) and starts its saga.
status_event admit(room_ptr self, chat_message msg, status_sink_actor sink);

// -- delivery.cpp -----------------------------------------------------------------------------

/// A saga ended: its senders hear the outcome and delivery moves on in seq order.
void on_saga_resolved(room_ptr self, saga_outcome& outcome);

/// Records a resolved seq and delivers everything that is now in order.
void resolve_seq(room_ptr self, int64_t seq, saga_outcome outcome);

/// Asks the messages store whether recovery decided an undecided saga's message.
void recheck_undecided(room_ptr self, int64_t seq);

/// Sends an event to every subscriber (encoded once, whatever their number).
void broadcast(room_ptr self, room_topic topic, int64_t seq, std::string body);

/// A member's read position moved (`unread_hint`: the store's count for it).
void read_moved(room_ptr self, int64_t user, int64_t seq, int64_t unread_hint);

/// Seeds the members and their unread counts (activation, reload).
void set_members(room_ptr self, const std::vector<room_member>& members);

// -- store_queue.cpp --------------------------------------------------------------------------

/// Starts the next store operation unless one is running.
void pump(room_ptr self);

/// The owner epoch moved on: another owner exists. Fails what waits and stops.
void fenced(room_ptr self, const caf::error& err);

// -- lifecycle.cpp ----------------------------------------------------------------------------

/// Claims the room, reads its snapshot, resolves what a crash left behind, then serves.
void activate(room_ptr self);

void on_idle_timer(room_ptr self);

/// Hands off: stops once no saga and no store operation is in flight.
void continue_handoff(room_ptr self);

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

// -- presence.cpp -----------------------------------------------------------------------------

/// A session of a member opened or closed.
void session_presence(room_ptr self, int64_t user, bool open, const caf::actor_addr& session);

/// A watched session went down (closed, or its node died). False if it was none.
bool session_down(room_ptr self, const caf::actor_addr& session);

/// A member started or stopped typing; the timer ends an indicator without news.
void typing_changed(room_ptr self, int64_t user, bool typing);
void typing_timer(room_ptr self, int64_t user);

} // namespace chat::room_parts
