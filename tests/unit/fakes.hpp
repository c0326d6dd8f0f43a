// Scripted stand-ins for the stores and the room, typed with the interfaces they stand for,
// for deterministic unit tests of the saga and the room. Every call is logged; replies follow
// a per-operation script.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "protocol/interfaces/compose.hpp"
#include "protocol/interfaces/delivery.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/change.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/outbox.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/room_commit.hpp"
#include "protocol/types/saga.hpp"

namespace chat::test {

enum class fake_reply {
  /// Succeed.
  ok,
  /// Fail definitively (the store rolled back).
  fail,
  /// Fail with "in doubt" (connection lost during COMMIT).
  in_doubt,
  /// Never answer (the caller's timeout must fire).
  hang,
  /// Answer only when the test calls release().
  hold,
  /// Insert: the (sender, tempId) exists already (backend.existing).
  duplicate,
  /// Finalize: the message is gone. Claim: the room does not exist.
  not_found,
  /// Commit: the owner epoch moved on.
  fenced,
};

struct fake_backend {
  /// Replies per operation ("insert", "commit", "finalize", "delete", "mark", "abort",
  /// "resolve", "claim", "dead"), used front first; ok when empty.
  std::map<std::string, std::deque<fake_reply>> script;
  /// Calls in order, e.g. "insert:1", "commit:1,2", "finalize:1".
  std::vector<std::string> calls;

  // Messages store.
  std::map<std::string, chat_message> messages;
  chat_message existing;
  int64_t max_seq = 0;
  std::vector<chat_message> unfinished;

  // Rooms store.
  room_metadata room;
  std::vector<room_member> members;
  int64_t claims = 0;
  std::set<std::string> commits;
  std::set<std::string> tombstones;
  std::vector<saga_dead_letter> dead_letters;

  // What the sink and the subscriber received, and what sagas told the (fake) room.
  std::vector<status_event> statuses;
  std::vector<room_broadcast> broadcasts;
  std::vector<room_update> updates;
  /// Users the room said left it.
  std::vector<int64_t> left;
  std::vector<saga_outcome> outcomes;

  /// Promises of calls scripted with hang: kept so that they are never answered.
  std::vector<std::function<void()>> hung;
  /// The fake actors, told to answer their held calls by release().
  std::vector<caf::actor_addr> fakes;

  /// Scripts the next replies of an operation.
  void then(const std::string& op, std::initializer_list<fake_reply> replies);
  /// Scripts `n` equal replies.
  void repeat(const std::string& op, fake_reply reply, size_t n);
  fake_reply next(const std::string& op);

  /// Makes every fake actor answer its held calls (run the scheduler afterwards).
  void release();

  /// Drops what the fakes hold, before the actor system goes down.
  void clear();

  /// Calls whose name starts with `op`.
  size_t count(const std::string& op) const;
  /// The names of the calls (without arguments), in order.
  std::vector<std::string> call_names() const;
  /// Statuses of a tempId, in order.
  std::vector<delivery_status> statuses_of(const std::string& temp_id) const;
};

struct fake_state {
  static inline const char* name = "fake";
  fake_backend* backend = nullptr;
  /// Answers of calls scripted with hold; run on release_atom (inside the actor, as CAF
  /// needs).
  std::vector<std::function<void()>> held;
};

/// Makes a fake answer the calls it holds (test control, not part of any interface).
using release_atom = caf::atom_constant<caf::atom("release")>;

/// A fake of `Interface`: the interface it stands for (the compiler lists a missing handler)
/// plus the release control.
template <class Interface> using fake_of = extend_handle_t<Interface, caf::reacts_to<release_atom>>;

using fake_message_store_actor = fake_of<message_store_actor>;
using fake_commit_store_actor = fake_of<commit_store_actor>;
using fake_room_actor = fake_of<room_actor>;
using fake_sink_actor = fake_of<status_sink_actor>;
using fake_subscriber_actor = fake_of<subscriber_actor>;

fake_message_store_actor::behavior_type
fake_message_store(fake_message_store_actor::stateful_pointer<fake_state> self,
                   fake_backend* backend);

fake_commit_store_actor::behavior_type
fake_commit_store(fake_commit_store_actor::stateful_pointer<fake_state> self,
                  fake_backend* backend);

/// A room that only records what sagas tell it (commit and abort per script).
fake_room_actor::behavior_type fake_room(fake_room_actor::stateful_pointer<fake_state> self,
                                         fake_backend* backend);

fake_sink_actor::behavior_type fake_sink(fake_sink_actor::stateful_pointer<fake_state> self,
                                         fake_backend* backend);

fake_subscriber_actor::behavior_type
fake_subscriber(fake_subscriber_actor::stateful_pointer<fake_state> self, fake_backend* backend);

} // namespace chat::test
