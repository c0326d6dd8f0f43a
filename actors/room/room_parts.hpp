// The parts of a room actor, as they call each other (room.cpp holds the behavior table).
#pragma once

#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/sec.hpp>

#include "actors/room/room.hpp"
#include "protocol/errors.hpp"

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
void broadcast(room_ptr self, room_topic topic, int64_t seq, std::string body,
               std::string thread_id = {}, int64_t sender_id = 0);

/// Remembers the room's last message as room updates show it.
void set_last_message(room_state& st, const chat_message& msg);

/// A committed message was deleted: it no longer counts as unread.
void message_deleted(room_ptr self, const chat_message& msg);

/// A message changed; true if it is the room's last message (room lists show it).
bool last_message_changed(room_ptr self, const chat_message& msg);

/// Tells every member's sessions how the room looks now (room lists, unread counts).
void update_members(room_ptr self);

/// A member's read position moved (`unread_hint`: the store's count for it).
void read_moved(room_ptr self, int64_t user, int64_t seq, int64_t unread_hint);

/// Seeds the members and their unread counts (activation, reload).
void set_members(room_ptr self, const std::vector<room_member>& members);

// -- store_queue.cpp --------------------------------------------------------------------------

/// Starts the next store operation unless one is running.
void pump(room_ptr self);

/// The owner epoch moved on: another owner exists. Fails what waits and stops.
void fenced(room_ptr self, const caf::error& err);

/// What the requesters of a failed commit store request hear: a timeout leaves the outcome
/// open (`in_doubt`), anything else is the error itself.
inline caf::error store_failure_reply(const caf::error& err, const char* in_doubt) {
  return err == caf::sec::request_timeout ? make_error(chat_errc::store_in_doubt, in_doubt) : err;
}

/// A commit store request of the room failed: its requesters hear why (a timeout leaves the
/// outcome open: `in_doubt`), then the room stops if it was fenced, or goes on.
template <class Promise>
void store_request_failed(room_ptr self, std::vector<Promise>& promises, const caf::error& err,
                          const char* in_doubt) {
  self->state.store_busy = false;
  auto is_fenced = code_of(err) == chat_errc::fenced;
  auto reply = store_failure_reply(err, in_doubt);
  for (auto& promise : promises)
    promise.deliver(reply);
  if (is_fenced)
    fenced(self, err);
  else
    pump(self);
}

// -- changes.cpp ------------------------------------------------------------------------------

/// A change of an existing message: refused at once while its saga runs, queued otherwise.
caf::result<change_outcome> request_change(room_ptr self, message_change change);

using change_promises = std::vector<caf::typed_response_promise<change_outcome>>;

/// Moves the next batch of queued changes (and their requesters) into a store request.
void take_changes(room_ptr self, std::vector<message_change>& changes, change_promises& promises);

/// The store decided a batch of changes: answers the refused and the unchanged, applies the
/// rest to the messages store (then tells the topic and the requesters, in version order).
void changes_decided(room_ptr self, change_promises& promises, change_result& result);

/// Runs the next batch of queued changes at the commit store on its own (no messages wait).
void run_changes(room_ptr self);

/// A message's saga ended (its seq): the message may change from now on.
void settle(room_ptr self, int64_t seq);

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

/// A member's status changed: OFFLINE hides them (shown leaving), another status is shown.
void status_changed(room_ptr self, int64_t user, const std::string& status);

/// A member with an open session said what they are doing in the room (ACTIVE, IDLE).
void activity_changed(room_ptr self, int64_t user, const std::string& activity);

/// The members shown online: a session open, not invisible (ascending).
std::vector<int64_t> shown_online(const room_state& st);

/// One `active: true` event per member shown online, for a new subscriber.
std::vector<std::string> presence_snapshot(const room_state& st);

/// A watched session went down (closed, or its node died). False if it was none.
bool session_down(room_ptr self, const caf::actor_addr& session);

/// A member started or stopped typing; the timer ends an indicator without news.
void typing_changed(room_ptr self, int64_t user, bool typing);
void typing_timer(room_ptr self, int64_t user);

} // namespace chat::room_parts
