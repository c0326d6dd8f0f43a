// Rooms, their sagas, and how a room's actor is found.
#pragma once

#include <cstdint>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>

#include "protocol/atoms.hpp"
#include "protocol/fwd.hpp"
#include "protocol/interfaces/delivery.hpp"

namespace chat {

/// A chat room: serializes its metadata updates, admits messages, orders their delivery.
using room_actor = caf::typed_actor<
  // Admits a message (membership, dedupe, seq) and starts its saga; replies PROCESSING,
  // SAVED (an earlier identical send) or FAILED (rejected).
  caf::replies_to<send_atom, chat_message, status_sink_actor>::with<status_event>,
  // Saga step 2: commits the message's metadata update and outbox events (batched); replies
  // with the version of its MessageSent event.
  caf::replies_to<commit_atom, chat_message>::with<int64_t>,
  // Compensation of step 2: aborts the message under the row lock and recomputes the room;
  // true once aborted.
  caf::replies_to<abort_atom, chat_message>::with<bool>,
  // Changes an existing message (edit, delete, reaction, pin, preview) as one event in the
  // room's version order; replies with the message as it now is, once history shows it.
  caf::replies_to<change_atom, message_change>::with<change_outcome>,
  // A saga ended: releases delivery in seq order.
  caf::reacts_to<resolved_atom, saga_outcome>,
  // Subscribes to committed messages; replies with the last seq delivered before it.
  caf::replies_to<subscribe_atom, subscriber_actor>::with<int64_t>,
  // Ends a subscription.
  caf::reacts_to<unsubscribe_atom, subscriber_actor>,
  // Reloads the member list (after membership changes through REST); true once the room
  // acts on the new list.
  caf::replies_to<reload_atom>::with<bool>,
  // Reads the cached room metadata.
  caf::replies_to<metadata_atom>::with<room_metadata>,
  // True when the user is a member.
  caf::replies_to<is_member_atom, int64_t>::with<bool>,
  // The members shown online: a session open on any node, not invisible (ascending ids).
  caf::replies_to<online_atom>::with<std::vector<int64_t>>,
  // One presence event (JSON) per member shown online, for a new subscriber of the topic.
  caf::replies_to<presence_snapshot_atom>::with<std::vector<std::string>>,
  // A member's status changed (user, status): shown, hidden or updated on the topic.
  caf::reacts_to<member_status_atom, int64_t, std::string>,
  // A member with an open session says what they do (user, ACTIVE or IDLE).
  caf::reacts_to<activity_atom, int64_t, std::string>,
  // A member's read position moved (user, seq, unread count the store computed for it):
  // updates its unread count and room list.
  caf::reacts_to<read_atom, int64_t, int64_t, int64_t>,
  // A member started or stopped typing (user, typing).
  caf::reacts_to<typing_atom, int64_t, bool>,
  // Timer of a typing indicator (user): ends it if it got no news meanwhile.
  caf::reacts_to<typing_end_atom, int64_t>,
  // The sending session of a member opened or closed (user, open); the room watches the
  // session, so a session whose node died counts as closed.
  caf::reacts_to<presence_atom, int64_t, bool>,
  // Timer of a message change's apply that failed (token): tries again.
  caf::reacts_to<reapply_atom, uint64_t>,
  // Timer of an undecided saga (seq): asks the store whether recovery decided its message.
  caf::reacts_to<recheck_atom, int64_t>,
  // Passivation timer.
  caf::reacts_to<idle_atom>,
  // The room belongs to another node now: admit nothing new, stop once the sagas in flight
  // ended (the new home claims it after that).
  caf::reacts_to<handoff_atom>>;

/// One message's saga: drives steps 1-3 and compensates in reverse.
using message_saga_actor = caf::typed_actor<
  // Backoff timer of a compensation step retry.
  caf::reacts_to<retry_atom>>;

/// Finds the actor of a room, wherever it runs (the room manager of a single node satisfies
/// this interface; the cluster's directory places rooms across nodes).
using room_directory_actor = caf::typed_actor<
  // Returns the room actor, activating it if needed.
  caf::replies_to<lookup_atom, int64_t>::with<room_actor>>;

/// The rooms active on this node: activates rooms on demand and forgets passivated ones.
using room_manager_actor = caf::typed_actor<
  // Returns the room actor, activating it if needed.
  caf::replies_to<lookup_atom, int64_t>::with<room_actor>,
  // Tells an active room to reload its members (no-op if it is not active).
  caf::reacts_to<reload_atom, int64_t>,
  // A room asks to passivate; the manager forgets it first (true) so it never hands it out.
  caf::replies_to<idle_atom, int64_t>::with<bool>,
  // Number of active rooms.
  caf::replies_to<count_atom>::with<int64_t>,
  // The ids of the active rooms.
  caf::replies_to<rooms_atom>::with<std::vector<int64_t>>,
  // Hands a room off if it is active here; true once it stopped (its sagas ended).
  caf::replies_to<handoff_atom, int64_t>::with<bool>>;

} // namespace chat
