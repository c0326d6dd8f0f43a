// A chat room: one actor per active room. It serializes the room's metadata updates (one
// store operation at a time, many messages per room commit), admits messages (membership,
// dedupe on (sender, tempId), per-room seq), spawns one saga per message and delivers
// committed messages to its subscribers strictly in seq order. Its parts: admission.cpp,
// delivery.cpp (seq order, unread counts, room updates), store_queue.cpp, lifecycle.cpp
// (activation, passivation, handoff), presence.cpp (sessions and typing).
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/room/admission_gate.hpp"
#include "actors/room/dedupe_window.hpp"
#include "actors/room/room_settings.hpp"
#include "protocol/interfaces/background.hpp"
#include "protocol/interfaces/delivery.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/change.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/saga.hpp"

namespace chat {

struct room_deps {
  message_store_actor messages;
  commit_store_actor commits;
  /// Asked before passivation; may be invalid (the room then just stops).
  room_manager_actor manager;
  /// The node's fan-out, which takes room updates to the members' sessions; may be invalid.
  subscriber_actor fanout;
  /// Told of each committed message with a URL; may be invalid (no previews).
  previewer_actor previewer;
  /// The node's bound on messages in flight, shared by its rooms; null: no bound.
  std::shared_ptr<admission_gate> gate;
};

struct room_state {
  static inline const char* name = "room";

  int64_t id = 0;
  room_settings settings;
  room_deps deps;

  // -- activation ------------------------------------------------------------------------------

  bool active = false;
  /// Requests that arrived while the room was activating: run once it is (or with the error
  /// that stopped it).
  std::vector<std::function<void(const caf::error&)>> deferred;

  // -- metadata (a cache: the rooms store is the truth) -------------------------------------------

  room_metadata meta;
  struct member {
    int64_t read_seq = 0;
    /// Committed messages after read_seq.
    int64_t unread = 0;
    /// OFFLINE: invisible, never shown present.
    std::string status = "ONLINE";
    /// What the member last said they are doing in the room (ACTIVE, IDLE; empty: nothing).
    std::string activity;
  };
  std::unordered_map<int64_t, member> members;
  /// The last delivered message, encoded (for room updates), or "null".
  std::string last_message_json = "null";
  /// Its sender and seq, so that a member's session that hides the sender shows a placeholder.
  int64_t last_sender_id = 0;
  int64_t last_message_seq = 0;
  int64_t last_activity_at = 0;

  // -- sequencing and delivery ----------------------------------------------------------------

  int64_t next_seq = 1;
  /// Every seq up to this one is resolved and, if committed, delivered.
  int64_t delivered_seq = 0;
  /// The committed seqs delivered since activation (at most settings.unread_window), to count
  /// a reader's unread messages exactly; older read positions take the store's count.
  std::deque<int64_t> committed_seqs;
  /// Every seq above this one is in committed_seqs if it was committed.
  int64_t committed_floor = 0;
  /// Sagas that ended ahead of an earlier seq, waiting for it.
  std::map<int64_t, saga_outcome> resolved;
  /// Running sagas -> their seq.
  std::map<caf::actor_addr, int64_t> sagas;
  /// One place in the node's gate per running saga.
  admission_places places;
  /// Sagas that ended without a durable decision (the stores were unreachable), by seq: their
  /// senders hear the outcome, and delivery goes on past them, once recovery decided it.
  std::map<int64_t, saga_outcome> undecided;
  std::vector<subscriber_actor> subscribers;

  // -- deduplication --------------------------------------------------------------------------

  dedupe_window dedupe;

  // -- store operations (one at a time, so the metadata cache follows the store) --------------

  struct pending_commit {
    chat_message message;
    caf::typed_response_promise<int64_t> promise;
  };
  struct pending_abort {
    chat_message message;
    caf::typed_response_promise<bool> promise;
  };
  struct pending_change {
    message_change change;
    caf::typed_response_promise<change_outcome> promise;
  };
  std::deque<pending_commit> commits;
  std::deque<pending_abort> aborts;
  std::deque<pending_change> changes;
  bool store_busy = false;

  // -- message changes --------------------------------------------------------------------------

  /// Messages whose saga has not ended (id <-> seq): they cannot change yet.
  std::unordered_map<std::string, int64_t> unsettled;
  std::unordered_map<int64_t, std::string> unsettled_ids;
  /// Committed change batches whose messages the messages store is applying, oldest first:
  /// each is told (updates topic, requesters) in this order once its applies are done.
  struct applying_batch {
    std::vector<change_outcome> outcomes;
    std::vector<caf::typed_response_promise<change_outcome>> promises;
    size_t remaining = 0;
    /// Messages whose apply gave up: their changes stay queued for recovery.
    std::set<std::string> unapplied;
  };
  std::deque<std::shared_ptr<applying_batch>> applying;
  /// Applies waiting for their retry (by timer token).
  std::map<uint64_t, std::function<void()>> reapplies;
  uint64_t last_reapply = 0;

  // -- presence and typing --------------------------------------------------------------------

  /// Members' open sessions (on any node), watched: a user is present while one is open.
  std::unordered_map<int64_t, std::set<caf::actor_addr>> sessions;
  /// How many of those sessions the presence gauge counts for this room.
  std::shared_ptr<int64_t> presence_counted = std::make_shared<int64_t>(0);
  /// Members typing -> when their indicator ends without news.
  std::unordered_map<int64_t, caf::actor_clock::time_point> typing;

  // -- handoff (the room belongs to another node now) ------------------------------------------

  bool leaving = false;
  /// Past it, the room stops even with work in flight (the new home's claim fences it).
  std::chrono::steady_clock::time_point leave_by;

  /// Set by every request; the idle timer passivates only a room that stayed untouched.
  bool touched = false;

  room_state() : dedupe(1024) {
    // nop
  }
};

room_actor::behavior_type room(room_actor::stateful_pointer<room_state> self, int64_t id,
                               room_settings settings, room_deps deps);

} // namespace chat
