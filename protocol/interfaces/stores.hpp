// The stores' actors: fronts that batch requests for their detached PostgreSQL workers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/timespan.hpp>

#include "protocol/atoms.hpp"
#include "protocol/fwd.hpp"

namespace chat {

/// The messages store (its own database): the saga's steps 1 and 3, history, recovery.
using message_store_actor = caf::typed_actor<
  // Stores a message marked pending (saga step 1); dedupes on (sender, tempId).
  caf::replies_to<insert_atom, chat_message>::with<insert_outcome>,
  // Marks a pending message committed (saga step 3): (id, version of its MessageSent); false
  // if it does not exist. Only the pending mark goes: committing never rewrites the message
  // row and its indexes, so history shows version 0 until the message's first change.
  caf::replies_to<finalize_atom, std::string, int64_t>::with<bool>,
  // Deletes a message by id (compensation of step 1); false if it did not exist.
  caf::replies_to<delete_atom, std::string>::with<bool>,
  // Marks a pending message as compensating, so that recovery never finishes it forward;
  // false if it is not pending (committed already, or gone).
  caf::replies_to<mark_atom, std::string>::with<bool>,
  // Reads committed messages of a room by seq range.
  caf::replies_to<history_atom, history_query>::with<history_page>,
  // Finds the message of a sender with a tempId (empty vector if none).
  caf::replies_to<find_atom, int64_t, std::string>::with<std::vector<chat_message>>,
  // Reads what a room needs to activate: highest seq and its most recent messages.
  caf::replies_to<snapshot_atom, int64_t, int32_t>::with<room_snapshot>,
  // Lists messages not committed and older than the given age (for recovery).
  caf::replies_to<pending_atom, caf::timespan, int32_t>::with<std::vector<chat_message>>,
  // Applies message changes decided in the rooms store (the message as it now is); false if
  // the message does not exist.
  caf::replies_to<apply_atom, chat_message>::with<bool>,
  // Reads a committed message (not_found).
  caf::replies_to<message_atom, std::string>::with<chat_message>,
  // Reads committed messages by id, in the order given (unknown ids left out).
  caf::replies_to<messages_atom, std::vector<std::string>>::with<std::vector<chat_message>>,
  // Reads a page of a thread's replies in seq order.
  caf::replies_to<thread_atom, thread_query>::with<history_page>,
  // Lists a room's threads (room, parent id or "" for all, limit), latest reply first.
  caf::replies_to<threads_atom, int64_t, std::string, int32_t>::with<std::vector<thread_summary>>,
  // Searches messages (full text), newest first.
  caf::replies_to<search_atom, search_query>::with<std::vector<chat_message>>,
  // True when the database answers.
  caf::replies_to<ping_atom>::with<bool>>;

/// The commit store (rooms database): what the saga and the room actors need, on a worker
/// pool of its own so that no REST query ever waits in front of it.
using commit_store_actor = caf::typed_actor<
  // Takes ownership of a room for a node by incrementing its owner epoch.
  caf::replies_to<claim_atom, int64_t, std::string>::with<room_claim>,
  // Saga step 2 for a batch of one room's messages: metadata + outbox in one transaction
  // (commits of several rooms that arrive together share that transaction); the room's
  // waiting message changes, when the request carries them, are decided in it after the
  // messages.
  caf::replies_to<commit_atom, room_commit>::with<commit_result>,
  // Decides a message under the room's row lock: keeps its commit (if any, and abort is
  // false) or aborts it (tombstone; removes the commit and recomputes the room).
  caf::replies_to<resolve_atom, int64_t, std::string, bool>::with<resolution>,
  // Records a saga whose compensation failed; true once stored.
  caf::replies_to<dead_atom, saga_dead_letter>::with<bool>,
  // Lists unresolved saga dead letters (at most the given number), oldest first.
  caf::replies_to<dead_list_atom, int32_t>::with<std::vector<saga_dead_letter>>,
  // Marks the dead letter of a message resolved; false if there was none open.
  caf::replies_to<dead_done_atom, std::string>::with<bool>,
  // Reads a room's stored metadata (not_found).
  caf::replies_to<metadata_atom, int64_t>::with<room_metadata>,
  // Reads a room's members with their read positions.
  caf::replies_to<members_atom, int64_t>::with<std::vector<room_member>>,
  // Counts the outbox backlog and dead events.
  caf::replies_to<backlog_atom>::with<outbox_stats>,
  // Changes of one room's messages (batched with other rooms'); per change its outcome or
  // why it was refused.
  caf::replies_to<change_atom, change_batch>::with<change_result>,
  // Changes not applied to the messages store yet, older than the age (recovery).
  caf::replies_to<stale_applies_atom, caf::timespan, int32_t>::with<std::vector<chat_message>>,
  // Forgets applied changes (message ids, versions applied); true once done.
  caf::replies_to<applied_atom, std::vector<std::string>, std::vector<int64_t>>::with<bool>,
  // Reads a room's pins, newest first.
  caf::replies_to<pins_atom, int64_t>::with<std::vector<room_pin>>,
  // True when the database answers.
  caf::replies_to<ping_atom>::with<bool>>;

/// The membership store (rooms database): rooms and members as the REST API and the gateway
/// read and change them, on a worker pool of its own.
using membership_store_actor = caf::typed_actor<
  // Creates a room (title, type, creator, participants) with its creator as a member.
  caf::replies_to<create_atom, std::string, std::string, int64_t,
                  std::vector<int64_t>>::with<room_view>,
  // Lists a user's rooms, most recent activity first.
  caf::replies_to<rooms_of_atom, int64_t>::with<std::vector<room_view>>,
  // Reads a room (room, user) as that member sees it (not_member, not_found).
  caf::replies_to<view_atom, int64_t, int64_t>::with<room_view>,
  // Reads a room as each of its members sees it (not_found).
  caf::replies_to<member_views_atom, int64_t>::with<std::vector<room_view>>,
  // Creates rooms (creator, specs) in one transaction: all of them, or none and the error.
  caf::replies_to<create_many_atom, int64_t, std::vector<room_spec>>::with<std::vector<room_view>>,
  // The caller (room, caller, users) adds members (GROUP: OWNER or ADMIN); what it changed.
  caf::replies_to<add_members_atom, int64_t, int64_t,
                  std::vector<int64_t>>::with<room_admin_result>,
  // The caller (room, caller, user) removes a member, or themselves; not_found if no member.
  caf::replies_to<remove_member_atom, int64_t, int64_t, int64_t>::with<room_admin_result>,
  // The caller (room, caller, patch) changes title or description (OWNER or ADMIN).
  caf::replies_to<room_update_atom, int64_t, int64_t, room_patch>::with<room_admin_result>,
  // The caller (room, caller, for everyone) leaves, or deletes the room for all (OWNER).
  caf::replies_to<leave_atom, int64_t, int64_t, bool>::with<room_admin_result>,
  // The OWNER (room, caller, user, role) makes a member ADMIN or MEMBER.
  caf::replies_to<role_atom, int64_t, int64_t, int64_t, std::string>::with<room_admin_result>,
  // The caller (room, caller, content) sets the notice, "" clears it (OWNER or ADMIN).
  caf::replies_to<notice_atom, int64_t, int64_t, std::string>::with<room_admin_result>,
  // Marks (true) or unmarks a member's (user, room) favorite; the room as the user sees it.
  caf::replies_to<favorite_atom, int64_t, int64_t, bool>::with<room_view>,
  // A user's favorite rooms, most recent activity first.
  caf::replies_to<favorites_atom, int64_t>::with<std::vector<room_view>>,
  // A user's rooms (user, text, limit) whose title or a participant's name contains the text.
  caf::replies_to<room_search_atom, int64_t, std::string, int32_t>::with<std::vector<room_view>>,
  // Reads a room's participants with their roles and read positions.
  caf::replies_to<participants_atom, int64_t>::with<std::vector<room_participant>>,
  // Adds (true) or removes a bookmark (user, message, room); true when it changed.
  caf::replies_to<bookmark_atom, int64_t, std::string, int64_t, bool>::with<bool>,
  // Lists a user's bookmarks (user, room or 0 for all), newest first.
  caf::replies_to<bookmarks_atom, int64_t, int64_t>::with<std::vector<bookmark>>,
  // Moves a member's read position forward (room, user, seq; negative seq: to the end);
  // replies with the room as the member now sees it.
  caf::replies_to<mark_read_atom, int64_t, int64_t, int64_t>::with<room_view>,
  // True when the database answers.
  caf::replies_to<ping_atom>::with<bool>>;

/// The users (in the rooms database). Password hashes never leave it except to be verified.
using user_store_actor = caf::typed_actor<
  // Creates a user (username, nickname, password hash); conflict when the name is taken.
  caf::replies_to<signup_atom, std::string, std::string, std::string>::with<user>,
  // Finds a user with its password hash by name (not_found).
  caf::replies_to<login_atom, std::string>::with<user_credentials>,
  // Records a new login's first refresh token (user, token id, family id, expiry in seconds
  // since the epoch); true once stored.
  caf::replies_to<refresh_start_atom, int64_t, std::string, std::string, int64_t>::with<bool>,
  // Uses a refresh token (token id, next token id, its expiry): the user's id; unauthorized
  // when the token is unknown, expired or ended, and a token used twice ends its login.
  caf::replies_to<refresh_rotate_atom, std::string, std::string, int64_t>::with<int64_t>,
  // Ends the login of a refresh token (token id); false when it had ended already.
  caf::replies_to<refresh_end_atom, std::string>::with<bool>,
  // Reads a user (not_found).
  caf::replies_to<user_atom, int64_t>::with<user>,
  // A profile as the viewer sees it (viewer, user); not_found also when the user blocked them.
  caf::replies_to<profile_atom, int64_t, int64_t>::with<profile>,
  // Changes the user's own profile fields; the profile after.
  caf::replies_to<profile_set_atom, int64_t, profile_update>::with<profile>,
  // Sets (user, status, status message); the profile after.
  caf::replies_to<status_set_atom, int64_t, std::string, std::string>::with<profile>,
  // Users by a prefix of username or nickname (viewer, prefix, limit), by username.
  caf::replies_to<user_search_atom, int64_t, std::string, int32_t>::with<std::vector<user>>,
  // A user's friends.
  caf::replies_to<friends_atom, int64_t>::with<std::vector<profile>>,
  // A user's pending friend requests, incoming and outgoing.
  caf::replies_to<friend_requests_atom, int64_t>::with<friend_requests>,
  // (from, to): a new request, or a friendship when `to` had asked already.
  caf::replies_to<befriend_atom, int64_t, int64_t>::with<friend_outcome>,
  // (addressee, request, accept): what answering did.
  caf::replies_to<friend_answer_atom, int64_t, int64_t, bool>::with<friend_outcome>,
  // (user, friend): true once the friendship is gone both ways (not_found: there was none).
  caf::replies_to<unfriend_atom, int64_t, int64_t>::with<bool>,
  // Friend recommendations, breadth-first.
  caf::replies_to<recommend_atom, recommendation_query>::with<std::vector<recommendation>>,
  // (user, target, block): true once blocked (or unblocked).
  caf::replies_to<block_atom, int64_t, int64_t, bool>::with<bool>,
  // The users a user blocked, newest first.
  caf::replies_to<blocked_atom, int64_t>::with<std::vector<user>>,
  // The users blocked by or blocking the user (ascending): their messages are hidden from them.
  caf::replies_to<hidden_senders_atom, int64_t>::with<std::vector<int64_t>>,
  // (user, node, +1 or -1): true once the user's open sessions on the node are counted.
  caf::replies_to<user_session_atom, int64_t, std::string, int32_t>::with<bool>,
  // (node): true once the node's sessions are forgotten.
  caf::replies_to<clear_sessions_atom, std::string>::with<bool>,
  // True when the database answers.
  caf::replies_to<ping_atom>::with<bool>>;

/// The mention notifications of chat-streamer's store, read by chatd for its REST API.
using notification_store_actor = caf::typed_actor<
  // A user's newest notifications (user, limit), newest first.
  caf::replies_to<mentions_atom, int64_t, int32_t>::with<std::vector<mention_notification>>>;

/// The schedule store (rooms database): scheduled messages, and the claims by which exactly one
/// node fires each occurrence.
using schedule_store_actor = caf::typed_actor<
  // Creates a PENDING schedule of a room member; replies with it (NOT_MEMBER otherwise).
  caf::replies_to<schedule_atom, scheduled_message>::with<scheduled_message>,
  // The user's schedules (user, room or 0 for all), the next due first.
  caf::replies_to<schedules_atom, int64_t, int64_t>::with<std::vector<scheduled_message>>,
  // Changes a PENDING schedule of its owner; replies with it (NOT_FOUND, CONFLICT).
  caf::replies_to<schedule_set_atom, schedule_change>::with<scheduled_message>,
  // Cancels a PENDING schedule of its owner (user, schedule); true once CANCELLED.
  caf::replies_to<schedule_cancel_atom, int64_t, int64_t>::with<bool>,
  // Claims the occurrences due (node, now ms, lease ms, limit), oldest first.
  caf::replies_to<claim_due_atom, std::string, int64_t, int64_t,
                  int32_t>::with<std::vector<scheduled_message>>,
  // Records how a claimed occurrence ended (node, outcome); false when the node no longer
  // holds that occurrence (nothing changed).
  caf::replies_to<occurrence_done_atom, std::string, occurrence_outcome>::with<bool>,
  // Gives a claimed occurrence back until a time (node, schedule, occurrence, retry at ms);
  // false when the node no longer holds it.
  caf::replies_to<occurrence_retry_atom, std::string, int64_t, int64_t, int64_t>::with<bool>,
  // Gives back every claim of a node (it starts); replies with how many there were.
  caf::replies_to<release_claims_atom, std::string>::with<int64_t>>;

/// The URL preview cache (rooms database).
using preview_store_actor = caf::typed_actor<
  // The preview JSON of a URL fetched less than a TTL ago (url, ttl ms), or "".
  caf::replies_to<cached_preview_atom, std::string, int64_t>::with<std::string>,
  // Stores the preview of a URL (url, preview JSON); true once stored.
  caf::replies_to<cache_preview_atom, std::string, std::string>::with<bool>>;

} // namespace chat
