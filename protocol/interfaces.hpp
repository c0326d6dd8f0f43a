// Every typed actor interface of the system, each handler with a one-line comment.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/replies_to.hpp>
#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_behavior.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "protocol/atoms.hpp"
#include "protocol/chat_event.hpp"
#include "protocol/cluster.hpp"
#include "protocol/message.hpp"
#include "protocol/outbox.hpp"
#include "protocol/room.hpp"
#include "protocol/saga.hpp"

namespace chat {

// -- persistence ------------------------------------------------------------------------------

/// One PostgreSQL connection owned by a persistence worker (persistence/db_connection.hpp).
class db_connection;

/// A unit of blocking database work. Runs on a detached worker, on that worker's connection;
/// throws on failure. Results travel back through state captured by the job.
using db_job = std::function<void(db_connection&)>;

/// A detached worker that owns one connection and runs blocking jobs on it.
using db_worker_actor = caf::typed_actor<
  // Runs a job on this worker's connection; replies when it finished.
  caf::replies_to<run_atom, db_job>::with<bool>>;

/// The messages store (its own database): the saga's step 1 and 3 and history.
using message_store_actor = caf::typed_actor<
  // Stores a message marked pending (saga step 1); dedupes on (sender, tempId).
  caf::replies_to<insert_atom, chat_message>::with<insert_outcome>,
  // Marks a pending message committed (saga step 3); false if it does not exist.
  caf::replies_to<finalize_atom, std::string>::with<bool>,
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
  // Checks that the database answers.
  caf::replies_to<ping_atom>::with<bool>>;

/// The rooms store (users, rooms, members, room commits, outbox, dead letters).
using room_store_actor = caf::typed_actor<
  // Takes ownership of a room for a node by incrementing its owner epoch.
  caf::replies_to<claim_atom, int64_t, std::string>::with<room_claim>,
  // Saga step 2 for a batch of one room's messages: metadata + outbox in one transaction
  // (commits of several rooms that arrive together share that transaction).
  caf::replies_to<commit_atom, room_commit>::with<commit_result>,
  // Decides a message under the room's row lock: keeps its commit (if any, and abort is
  // false) or aborts it (tombstone; removes the commit and recomputes the room).
  caf::replies_to<resolve_atom, int64_t, std::string, bool>::with<resolution>,
  // Records a saga whose compensation failed.
  caf::replies_to<dead_atom, saga_dead_letter>::with<bool>,
  // Lists unresolved saga dead letters (at most the given number).
  caf::replies_to<dead_atom, list_atom, int32_t>::with<std::vector<saga_dead_letter>>,
  // Marks the dead letter of a message resolved.
  caf::replies_to<dead_atom, resolve_atom, std::string>::with<bool>,
  // Reads a room.
  caf::replies_to<get_atom, int64_t>::with<room_metadata>,
  // Reads a room's members with their read positions.
  caf::replies_to<members_atom, int64_t>::with<std::vector<room_member>>,
  // Counts the outbox backlog and dead events.
  caf::replies_to<stats_atom>::with<outbox_stats>,
  // Creates a room (title, type, creator, participants) with its creator as a member.
  caf::replies_to<create_atom, std::string, std::string, int64_t,
                  std::vector<int64_t>>::with<room_view>,
  // Lists a user's rooms, most recent activity first.
  caf::replies_to<list_atom, int64_t>::with<std::vector<room_view>>,
  // Reads a room as a member sees it (not_member, not_found).
  caf::replies_to<get_atom, int64_t, int64_t>::with<room_view>,
  // Adds members to a room.
  caf::replies_to<join_atom, int64_t, std::vector<int64_t>>::with<bool>,
  // Removes a member from a room; false if it was none.
  caf::replies_to<leave_atom, int64_t, int64_t>::with<bool>,
  // Moves a member's read position forward (negative seq: to the end); replies with the room
  // as the member now sees it.
  caf::replies_to<read_atom, int64_t, int64_t, int64_t>::with<room_view>,
  // Checks that the database answers.
  caf::replies_to<ping_atom>::with<bool>>;

/// The users (in the rooms database). Password hashes never leave it except to be verified.
using user_store_actor = caf::typed_actor<
  // Creates a user (username, nickname, password hash); conflict when the name is taken.
  caf::replies_to<signup_atom, std::string, std::string, std::string>::with<user>,
  // Finds a user with its password hash by name (not_found).
  caf::replies_to<login_atom, std::string>::with<user_credentials>,
  // Reads a user (not_found).
  caf::replies_to<get_atom, int64_t>::with<user>,
  // Checks that the database answers.
  caf::replies_to<ping_atom>::with<bool>>;

/// Hashes and verifies passwords (argon2id) off the scheduler threads.
using password_hasher_actor = caf::typed_actor<
  // Hashes a password.
  caf::replies_to<hash_atom, std::string>::with<std::string>,
  // Verifies a password against a hash.
  caf::replies_to<verify_atom, std::string, std::string>::with<bool>>;

/// Publishes outbox events to Kafka: a detached actor that owns a rooms-database connection
/// and the idempotent producer. One cycle claims a batch under row locks (FOR UPDATE SKIP
/// LOCKED), produces it, deletes what was delivered and counts failures, in one transaction.
using outbox_publisher_actor = caf::typed_actor<
  // Runs one publication cycle of at most the given number of events.
  caf::replies_to<publish_atom, int32_t>::with<publish_report>>;

// -- actors -----------------------------------------------------------------------------------

/// Whoever sends a message: receives its status events.
using status_sink_actor = caf::typed_actor<
  // A status of one of the sink's messages.
  caf::reacts_to<status_event>>;

/// Receives what rooms publish: a node's fan-out (or a test).
using subscriber_actor = caf::typed_actor<
  // A committed message (in seq order), or a typing or presence event.
  caf::reacts_to<room_broadcast>,
  // A room changed: its members' room lists (with their unread counts) need an update.
  caf::reacts_to<room_update>,
  // Users left a room (room, users): their subscriptions to it end.
  caf::reacts_to<leave_atom, int64_t, std::vector<int64_t>>>;

/// A chat room: serializes its metadata updates, admits messages, orders their delivery.
using room_actor = caf::typed_actor<
  // Admits a message (membership, dedupe, seq) and starts its saga; replies PROCESSING,
  // SAVED (an earlier identical send) or FAILED (rejected).
  caf::replies_to<send_atom, chat_message, status_sink_actor>::with<status_event>,
  // Saga step 2: commits the message's metadata update and outbox events (batched); replies
  // with the version of its MessageSent event.
  caf::replies_to<commit_atom, chat_message>::with<int64_t>,
  // Compensation of step 2: aborts the message under the row lock and recomputes the room.
  caf::replies_to<abort_atom, chat_message>::with<bool>,
  // A saga ended: releases delivery in seq order.
  caf::reacts_to<resolved_atom, saga_outcome>,
  // Subscribes to committed messages; replies with the last seq delivered before it.
  caf::replies_to<subscribe_atom, subscriber_actor>::with<int64_t>,
  // Ends a subscription.
  caf::reacts_to<unsubscribe_atom, subscriber_actor>,
  // Reloads the member list (after membership changes through REST); replies once the room
  // acts on the new list.
  caf::replies_to<members_atom>::with<bool>,
  // Reads the cached room metadata.
  caf::replies_to<get_atom>::with<room_metadata>,
  // Whether a user is a member.
  caf::replies_to<members_atom, int64_t>::with<bool>,
  // A member's read position moved (user, seq): updates its unread count and room list.
  caf::reacts_to<read_atom, int64_t, int64_t>,
  // A member started or stopped typing (user, typing).
  caf::reacts_to<typing_atom, int64_t, bool>,
  // A member's presence changed (user, active).
  caf::reacts_to<active_atom, int64_t, bool>,
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
  caf::replies_to<get_atom, int64_t>::with<room_actor>>;

/// The rooms active on this node: activates rooms on demand and forgets passivated ones.
using room_manager_actor = caf::typed_actor<
  // Returns the room actor, activating it if needed.
  caf::replies_to<get_atom, int64_t>::with<room_actor>,
  // Tells an active room that its members changed (no-op if it is not active).
  caf::reacts_to<members_atom, int64_t>,
  // A room asks to passivate; the manager forgets it first (true) so it never hands it out.
  caf::replies_to<idle_atom, int64_t>::with<bool>,
  // Number of active rooms.
  caf::replies_to<count_atom>::with<int64_t>,
  // The ids of the active rooms.
  caf::replies_to<list_atom>::with<std::vector<int64_t>>,
  // Hands a room off if it is active here; replies once it stopped (its sagas ended).
  caf::replies_to<handoff_atom, int64_t>::with<bool>>;

/// Recovery counts of one sweep.
struct sweep_report {
  int32_t forwarded = 0;
  int32_t aborted = 0;
  int32_t errors = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, sweep_report& x) {
  return f(caf::meta::type_name("chat::sweep_report"), x.forwarded, x.aborted, x.errors);
}

/// Finishes or compensates sagas that a crash left pending.
using recovery_sweeper_actor = caf::typed_actor<
  // Runs one sweep now and replies with its counts.
  caf::replies_to<sweep_atom>::with<sweep_report>,
  // Periodic sweep.
  caf::reacts_to<tick_atom>>;

/// Relay counters, for metrics and tests.
struct relay_stats {
  int64_t published = 0;
  int64_t failed_attempts = 0;
  int64_t dead = 0;
  /// Time from an event's claim to its delivery report, last batch (microseconds).
  int64_t last_latency_us = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, relay_stats& x) {
  return f(caf::meta::type_name("chat::relay_stats"), x.published, x.failed_attempts, x.dead,
           x.last_latency_us);
}

/// Publishes outbox events to Kafka.
using outbox_relay_actor = caf::typed_actor<
  // New rows were committed (LISTEN/NOTIFY).
  caf::reacts_to<wake_atom>,
  // Poll fallback timer.
  caf::reacts_to<tick_atom>,
  // Reads the relay counters.
  caf::replies_to<stats_atom>::with<relay_stats>>;

/// A broadcast as a node hands it to its local connections: the body is shared, not copied.
struct local_broadcast {
  int64_t room_id = 0;
  room_topic topic = room_topic::messages;
  int64_t seq = 0;
  std::shared_ptr<const std::string> body;
};

/// One WebSocket client's gateway actor (gateway/connection.hpp).
using connection_actor = caf::typed_actor<
  // A status of one of its user's messages.
  caf::reacts_to<status_event>,
  // A room event for one of its subscriptions.
  caf::reacts_to<local_broadcast>,
  // A room of its user changed.
  caf::reacts_to<room_update>,
  // Its user was mentioned (pushed on /user/queue/notifications).
  caf::reacts_to<mention_notification>,
  // Bytes received from the socket.
  caf::reacts_to<inbound_atom, std::string>,
  // The socket closed.
  caf::reacts_to<closed_atom>,
  // The outbound queue overflowed: the client is too slow.
  caf::reacts_to<overflow_atom>,
  // Heart-beat timer.
  caf::reacts_to<tick_atom>,
  // Continues a paused history replay of a subscription (subscription id).
  caf::reacts_to<resume_atom, std::string>>;

/// What a fan-out offers the fan-outs of the other nodes.
using peer_fanout_actor = caf::typed_actor<
  // A room update forwarded by a peer's fan-out: delivered to local sessions only.
  caf::reacts_to<forward_atom, room_update>>;

/// A node's fan-out: subscribes once per room for all of the node's connections and hands
/// each broadcast (encoded once) to the local subscribers; reaches users' local sessions.
using fanout_actor = peer_fanout_actor::extend<
  // A room event (from a room this fan-out subscribed to).
  caf::reacts_to<room_broadcast>,
  // A room changed (from a room of this node): delivered to the local sessions of the listed
  // members and forwarded to the peers' fan-outs.
  caf::reacts_to<room_update>,
  // A user was mentioned: delivered to the user's local sessions.
  caf::reacts_to<mention_notification>,
  // Users left a room (room, users): their subscriptions to it end.
  caf::reacts_to<leave_atom, int64_t, std::vector<int64_t>>,
  // Subscribes a connection of a user to a topic of a room (room id, room actor, topic, user,
  // connection; membership checked); replies with the last seq this node delivered for the
  // room (messages topic) before the subscription.
  caf::replies_to<subscribe_atom, int64_t, room_actor, room_topic, int64_t,
                  connection_actor>::with<int64_t>,
  // Ends a connection's subscription to a room topic.
  caf::reacts_to<unsubscribe_atom, int64_t, room_topic, connection_actor>,
  // A user's session connected (user queues reach it from now on).
  caf::reacts_to<join_atom, int64_t, connection_actor>,
  // A user's session disconnected.
  caf::reacts_to<leave_atom, int64_t, connection_actor>,
  // Number of local sessions.
  caf::replies_to<count_atom>::with<int64_t>,
  // Wires the room directory (once, at start-up: the fan-out and the rooms refer to each
  // other) and the messages store, to re-resolve a room that stopped and fill the gap.
  caf::reacts_to<room_directory_actor, message_store_actor>,
  // The fan-outs of the other live nodes (replaces the previous list).
  caf::reacts_to<peers_atom, std::vector<peer_fanout_actor>>>;

/// The mention notifications of chat-streamer's store, read by chatd for its REST API.
using notification_store_actor = caf::typed_actor<
  // A user's newest notifications (user, limit), newest first.
  caf::replies_to<list_atom, int64_t, int32_t>::with<std::vector<mention_notification>>>;

/// Waits for PostgreSQL notifications of one channel on a dedicated connection.
using notification_listener_actor = caf::typed_actor<
  // Waits for the next notification (bounded), then schedules itself again.
  caf::reacts_to<listen_atom>>;

/// chat-streamer's consumer of the chat events (detached: it blocks on Kafka and PostgreSQL).
using event_consumer_actor = caf::typed_actor<
  // Consumes one batch (store transaction, then offset commit) and schedules the next.
  caf::reacts_to<consume_atom>,
  // What was consumed so far.
  caf::replies_to<get_atom>::with<consumer_stats>>;

// -- cluster ----------------------------------------------------------------------------------

/// A node's published root: how the other nodes of the cluster reach it.
using node_root_actor = caf::typed_actor<
  // Introduces a peer (its info and fan-out); replies with this node's info and fan-out.
  caf::replies_to<hello_atom, node_info, fanout_actor>::with<node_info, fanout_actor>,
  // Activates a room here (this node is its home); replies with its actor.
  caf::replies_to<activate_atom, int64_t>::with<room_actor>,
  // Hands a room off if it is active here; replies once it stopped (its sagas ended).
  caf::replies_to<handoff_atom, int64_t>::with<bool>,
  // Number of rooms active here.
  caf::replies_to<count_atom>::with<int64_t>>;

/// A node's cluster directory: places rooms on the live members (rendezvous hashing), keeps
/// the membership (table with lease, connections to the peers' roots) and is the node's root.
using cluster_directory_actor = room_directory_actor::extend_with<node_root_actor>::extend<
  // The cluster as this node sees it.
  caf::replies_to<cluster_atom>::with<std::vector<member_view>>,
  // Heartbeat timer: renews the lease, reads the membership table, connects to new members.
  caf::reacts_to<tick_atom>,
  // Connects to a peer's root at host:port (seeds, members found in the table).
  caf::reacts_to<caf::connect_atom, std::string, uint16_t>>;

} // namespace chat

// Jobs carry closures over local state, local broadcasts share their body in memory: neither
// ever leaves the node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chat::db_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(chat::local_broadcast)
