// All atoms of the system, in one place (CAF 0.17: at most 10 characters each). Each atom has
// one meaning: the same atom in two interfaces asks the same question of both.
#pragma once

#include <caf/atom.hpp>

namespace chat {

// -- persistence workers ----------------------------------------------------------------------
/// Run a blocking job on a worker's connection.
using run_atom = caf::atom_constant<caf::atom("run")>;
/// Does the database answer?
using ping_atom = caf::atom_constant<caf::atom("ping")>;

// -- the messages store -----------------------------------------------------------------------
/// Saga step 1: store a message marked pending.
using insert_atom = caf::atom_constant<caf::atom("insert")>;
/// Saga step 3: drop a message's pending mark.
using finalize_atom = caf::atom_constant<caf::atom("finalize")>;
/// Compensation of step 1: delete a stored message.
using delete_atom = caf::atom_constant<caf::atom("delete")>;
/// Mark a pending message compensating (recovery must never finish it forward).
using mark_atom = caf::atom_constant<caf::atom("mark")>;
/// A page of a room's committed messages.
using history_atom = caf::atom_constant<caf::atom("history")>;
/// The messages of a sender with a tempId.
using find_atom = caf::atom_constant<caf::atom("find")>;
/// What a room needs from the messages store to activate.
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
/// Apply message changes decided in the rooms store to the messages store.
using apply_atom = caf::atom_constant<caf::atom("apply")>;
/// One committed message by id.
using message_atom = caf::atom_constant<caf::atom("message")>;
/// Committed messages by id.
using messages_atom = caf::atom_constant<caf::atom("messages")>;
/// A page of a thread's replies.
using thread_atom = caf::atom_constant<caf::atom("thread")>;
/// The threads of a room.
using threads_atom = caf::atom_constant<caf::atom("threads")>;
/// Full-text search over messages.
using search_atom = caf::atom_constant<caf::atom("search")>;
/// Messages left pending longer than an age (recovery).
using pending_atom = caf::atom_constant<caf::atom("pending")>;

// -- the commit store (rooms database, the saga's hot path) -----------------------------------
/// Take ownership of a room under a new owner epoch.
using claim_atom = caf::atom_constant<caf::atom("claim")>;
/// Saga step 2: a message's room commit (metadata and outbox events).
using commit_atom = caf::atom_constant<caf::atom("commit")>;
/// Decide a message under its room's row lock (keep or abort its commit).
using resolve_atom = caf::atom_constant<caf::atom("resolve")>;
/// Record a saga whose compensation failed.
using dead_atom = caf::atom_constant<caf::atom("dead")>;
/// List the unresolved saga dead letters.
using dead_list_atom = caf::atom_constant<caf::atom("deadlist")>;
/// Change existing messages (edit, delete, reactions, pins, previews).
using change_atom = caf::atom_constant<caf::atom("change")>;
/// Changes the messages store has not applied yet (recovery).
using stale_applies_atom = caf::atom_constant<caf::atom("staleapply")>;
/// Changes the messages store applied.
using applied_atom = caf::atom_constant<caf::atom("applied")>;
/// A room's pins.
using pins_atom = caf::atom_constant<caf::atom("pins")>;
/// Mark a saga dead letter resolved.
using dead_done_atom = caf::atom_constant<caf::atom("deaddone")>;
/// A room's member list (with read positions).
using members_atom = caf::atom_constant<caf::atom("members")>;
/// A room's stored metadata.
using metadata_atom = caf::atom_constant<caf::atom("metadata")>;
/// The outbox's backlog and dead events.
using backlog_atom = caf::atom_constant<caf::atom("backlog")>;

// -- the membership store (rooms database, REST queries) --------------------------------------
/// Create a room with its creator as a member.
using create_atom = caf::atom_constant<caf::atom("create")>;
/// The rooms of a user, most recent activity first.
using rooms_of_atom = caf::atom_constant<caf::atom("roomsof")>;
/// A room as one member sees it.
using view_atom = caf::atom_constant<caf::atom("view")>;
/// A room as each of its members sees it.
using member_views_atom = caf::atom_constant<caf::atom("mviews")>;
/// Add members to a room.
using add_members_atom = caf::atom_constant<caf::atom("addmembers")>;
/// Remove a member from a room.
using remove_member_atom = caf::atom_constant<caf::atom("rmmember")>;
/// Change a room's title or description.
using room_update_atom = caf::atom_constant<caf::atom("roomupdate")>;
/// Leave a room, or delete it for everyone.
using leave_atom = caf::atom_constant<caf::atom("leave")>;
/// Change a member's role.
using role_atom = caf::atom_constant<caf::atom("role")>;
/// Set or clear a room's notice.
using notice_atom = caf::atom_constant<caf::atom("notice")>;
/// Create several rooms, all or nothing.
using create_many_atom = caf::atom_constant<caf::atom("createmany")>;
/// Mark or unmark a room as a user's favorite.
using favorite_atom = caf::atom_constant<caf::atom("favorite")>;
/// A user's favorite rooms.
using favorites_atom = caf::atom_constant<caf::atom("favorites")>;
/// A user's rooms whose title or participant names contain a text.
using room_search_atom = caf::atom_constant<caf::atom("roomsearch")>;
/// Add or remove a bookmark of a user.
using bookmark_atom = caf::atom_constant<caf::atom("bookmark")>;
/// A user's bookmarks.
using bookmarks_atom = caf::atom_constant<caf::atom("bookmarks")>;
/// A room's participants with roles and read positions.
using participants_atom = caf::atom_constant<caf::atom("participnt")>;
/// The members of a room with an open session.
using online_atom = caf::atom_constant<caf::atom("online")>;
/// Move a member's read position forward.
using mark_read_atom = caf::atom_constant<caf::atom("markread")>;

// -- users and passwords ----------------------------------------------------------------------
using signup_atom = caf::atom_constant<caf::atom("signup")>;
/// A user's credentials by name.
using login_atom = caf::atom_constant<caf::atom("login")>;
/// A login's first refresh token is recorded.
using refresh_start_atom = caf::atom_constant<caf::atom("rfstart")>;
/// A refresh token is used and its successor recorded.
using refresh_rotate_atom = caf::atom_constant<caf::atom("rfrotate")>;
/// A login (refresh token family) ends.
using refresh_end_atom = caf::atom_constant<caf::atom("rfend")>;
/// A user by id.
using user_atom = caf::atom_constant<caf::atom("user")>;
using hash_atom = caf::atom_constant<caf::atom("hash")>;
using verify_atom = caf::atom_constant<caf::atom("verify")>;
/// A user's newest mention notifications.
using mentions_atom = caf::atom_constant<caf::atom("mentions")>;

// -- rooms and sagas --------------------------------------------------------------------------
/// Admit a message to a room.
using send_atom = caf::atom_constant<caf::atom("send")>;
/// Compensation of step 2, through the room.
using abort_atom = caf::atom_constant<caf::atom("abort")>;
/// A saga ended (its outcome for the room).
using resolved_atom = caf::atom_constant<caf::atom("resolved")>;
/// Subscribe to a room's events.
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
/// End a subscription to a room's events.
using unsubscribe_atom = caf::atom_constant<caf::atom("unsubscr")>;
/// Reload a room's member list from the store.
using reload_atom = caf::atom_constant<caf::atom("reload")>;
/// Is a user a member of the room?
using is_member_atom = caf::atom_constant<caf::atom("ismember")>;
/// A member's read position moved.
using read_atom = caf::atom_constant<caf::atom("read")>;
/// A member started or stopped typing.
using typing_atom = caf::atom_constant<caf::atom("typing")>;
/// A member's typing indicator got no news for the typing timeout.
using typing_end_atom = caf::atom_constant<caf::atom("typingend")>;
/// A session of a member opened or closed (presence).
using presence_atom = caf::atom_constant<caf::atom("presence")>;
/// Ask the store again about a saga that ended undecided.
using recheck_atom = caf::atom_constant<caf::atom("recheck")>;
/// Apply a message change to the messages store again, after a backoff.
using reapply_atom = caf::atom_constant<caf::atom("reapply")>;
/// Retry a compensation step after its backoff.
using retry_atom = caf::atom_constant<caf::atom("retry")>;
/// Passivation: the room's idle timer, and the room asking its manager to forget it.
using idle_atom = caf::atom_constant<caf::atom("idle")>;
/// Hand a room off to its new home (stop once its sagas ended).
using handoff_atom = caf::atom_constant<caf::atom("handoff")>;
/// Users left a room: their subscriptions to it end.
using left_atom = caf::atom_constant<caf::atom("left")>;
/// Find (and activate if needed) a room's actor.
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
/// The ids of the rooms active on a node.
using rooms_atom = caf::atom_constant<caf::atom("rooms")>;
/// How many rooms are active on a node.
using count_atom = caf::atom_constant<caf::atom("count")>;

// -- gateway ----------------------------------------------------------------------------------
/// Bytes received from a client's socket.
using inbound_atom = caf::atom_constant<caf::atom("inbound")>;
/// A client's socket closed.
using closed_atom = caf::atom_constant<caf::atom("closed")>;
/// A client's outbound queue overflowed.
using overflow_atom = caf::atom_constant<caf::atom("overflow")>;
/// Continue a paused since-seq replay.
using resume_atom = caf::atom_constant<caf::atom("resume")>;
/// A user's session opened on a node.
using session_atom = caf::atom_constant<caf::atom("session")>;
/// A user's session closed.
using session_end_atom = caf::atom_constant<caf::atom("sessionend")>;
/// How many sessions a node holds.
using sessions_atom = caf::atom_constant<caf::atom("sessions")>;

// -- cluster ----------------------------------------------------------------------------------
/// Two nodes introduce themselves.
using hello_atom = caf::atom_constant<caf::atom("hello")>;
/// Activate a room on this node (its home).
using activate_atom = caf::atom_constant<caf::atom("activate")>;
/// The cluster as a node sees it.
using cluster_atom = caf::atom_constant<caf::atom("cluster")>;
/// The fan-outs of the other live nodes.
using peers_atom = caf::atom_constant<caf::atom("peers")>;
/// Something a peer's fan-out forwarded (delivered to local sessions only).
using forward_atom = caf::atom_constant<caf::atom("forward")>;

// -- people -----------------------------------------------------------------------------------
/// Read a user's profile as a viewer sees it.
using profile_atom = caf::atom_constant<caf::atom("profile")>;
/// Change the caller's own profile fields.
using profile_set_atom = caf::atom_constant<caf::atom("profileset")>;
/// Set the caller's status and status message.
using status_set_atom = caf::atom_constant<caf::atom("setstatus")>;
/// Find users by a prefix of their username or nickname.
using user_search_atom = caf::atom_constant<caf::atom("usersearch")>;
/// List a user's friends.
using friends_atom = caf::atom_constant<caf::atom("friends")>;
/// List a user's pending friend requests, both ways.
using friend_requests_atom = caf::atom_constant<caf::atom("friendreqs")>;
/// Ask another user to be friends.
using befriend_atom = caf::atom_constant<caf::atom("befriend")>;
/// Accept or reject a friend request addressed to the caller.
using friend_answer_atom = caf::atom_constant<caf::atom("friendans")>;
/// End a friendship, for both sides.
using unfriend_atom = caf::atom_constant<caf::atom("unfriend")>;
/// Recommend friends of friends (breadth-first over the friend graph).
using recommend_atom = caf::atom_constant<caf::atom("recommend")>;
/// Block or unblock a user.
using block_atom = caf::atom_constant<caf::atom("block")>;
/// List the users the caller blocked.
using blocked_atom = caf::atom_constant<caf::atom("blocked")>;
/// List the users whose messages a user does not see (blocked either way).
using hidden_senders_atom = caf::atom_constant<caf::atom("hidden")>;
/// A session of a user opened or closed on a node (presence).
using user_session_atom = caf::atom_constant<caf::atom("usersess")>;
/// Forget the sessions a node left behind (it starts).
using clear_sessions_atom = caf::atom_constant<caf::atom("clearsess")>;
/// A member tells a room what they are doing (ACTIVE or IDLE).
using activity_atom = caf::atom_constant<caf::atom("activity")>;
/// Read the presence of a room's members, as events for a new subscriber.
using presence_snapshot_atom = caf::atom_constant<caf::atom("presnap")>;
/// A member's status changed (the room shows or hides them).
using member_status_atom = caf::atom_constant<caf::atom("mstatus")>;

// -- scheduled messages -----------------------------------------------------------------------
/// Create a scheduled message.
using schedule_atom = caf::atom_constant<caf::atom("schedule")>;
/// List a user's scheduled messages.
using schedules_atom = caf::atom_constant<caf::atom("schedules")>;
/// Change a scheduled message.
using schedule_set_atom = caf::atom_constant<caf::atom("schedset")>;
/// Cancel a scheduled message.
using schedule_cancel_atom = caf::atom_constant<caf::atom("schedcncl")>;
/// Claim the occurrences that are due.
using claim_due_atom = caf::atom_constant<caf::atom("claimdue")>;
/// A claimed occurrence ended (sent or failed for good).
using occurrence_done_atom = caf::atom_constant<caf::atom("occdone")>;
/// Give a claimed occurrence back, to be tried again later.
using occurrence_retry_atom = caf::atom_constant<caf::atom("occretry")>;
/// Give back every claim of a node.
using release_claims_atom = caf::atom_constant<caf::atom("relclaims")>;
/// A fired occurrence got no final status in time.
using fire_timeout_atom = caf::atom_constant<caf::atom("firetmo")>;

// -- URL previews -----------------------------------------------------------------------------
/// Preview the first URL of a committed message.
using preview_atom = caf::atom_constant<caf::atom("preview")>;
/// Read a URL's cached preview.
using cached_preview_atom = caf::atom_constant<caf::atom("cachedprev")>;
/// Store a URL's preview in the cache.
using cache_preview_atom = caf::atom_constant<caf::atom("cacheprev")>;
/// A page fetch ended.
using fetched_atom = caf::atom_constant<caf::atom("fetched")>;

// -- background work --------------------------------------------------------------------------
/// A periodic timer of the receiving actor fired.
using tick_atom = caf::atom_constant<caf::atom("tick")>;
/// New outbox rows were committed (NOTIFY).
using wake_atom = caf::atom_constant<caf::atom("wake")>;
/// Run one recovery sweep now.
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
/// Read an actor's counters.
using stats_atom = caf::atom_constant<caf::atom("stats")>;
/// Consume one batch of events.
using consume_atom = caf::atom_constant<caf::atom("consume")>;
/// Run one outbox publication cycle.
using publish_atom = caf::atom_constant<caf::atom("publish")>;
/// Wait for the next PostgreSQL notification.
using listen_atom = caf::atom_constant<caf::atom("listen")>;

} // namespace chat
