#define CAF_SUITE commit_store

#include "persistence/rooms/commit_store.hpp"

#include <caf/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/faults/fault_points.hpp"
#include "persistence/membership/membership_queries.hpp"
#include "persistence/membership/room_admin_queries.hpp"
#include "protocol/clock.hpp"
#include "protocol/types/room_commit.hpp"
#include "protocol/uuid.hpp"
#include "tests/support/database_fixture.hpp"
#include "tests/support/system_fixture.hpp"

using namespace chat;
using namespace chat::test;

namespace {

struct fixture : database_fixture, system_fixture {
  commit_store_actor store;
  user alice;
  user bob;
  int64_t room_id = 0;

  fixture() {
    store = sys.spawn(commit_store, store_settings{rooms_dsn, 2, 64});
    alice = make_user("alice");
    bob = make_user("bob");
    room_id = make_room({alice.id, bob.id});
  }

  ~fixture() {
    fault_registry::instance().disarm_all();
    stop(store);
  }

  chat_message message(int64_t seq, int64_t sender, std::vector<int64_t> mentions = {}) {
    chat_message msg;
    msg.id = make_uuid();
    msg.room_id = room_id;
    msg.seq = seq;
    msg.sender_id = sender;
    msg.temp_id = "t" + std::to_string(seq);
    msg.content = "message " + std::to_string(seq);
    msg.mentions = std::move(mentions);
    msg.created_at = now_ms();
    return msg;
  }

  int64_t claim() {
    return call<room_claim>(store, claim_atom::value, room_id, std::string{"node-a"})
      .room.owner_epoch;
  }

  std::string q(int64_t x) { return std::to_string(x); }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(room_store_tests, fixture)

CAF_TEST(a claim increments the owner epoch) {
  auto first = call<room_claim>(store, claim_atom::value, room_id, std::string{"node-a"});
  CAF_CHECK_EQUAL(first.room.owner_epoch, 1);
  CAF_CHECK_EQUAL(first.room.owner_node, "node-a");
  CAF_CHECK_EQUAL(first.members.size(), 2u);
  auto second = call<room_claim>(store, claim_atom::value, room_id, std::string{"node-b"});
  CAF_CHECK_EQUAL(second.room.owner_epoch, 2);
  auto err =
    call_error<room_claim>(store, claim_atom::value, int64_t{999999}, std::string{"node-a"});
  CAF_CHECK_EQUAL(code_of(err), chat_errc::not_found);
}

CAF_TEST(claims that arrive together are batched and each gets its own epoch) {
  auto other = make_room({alice.id});
  // Sent without waiting: the store claims them in one transaction.
  for (int i = 0; i < 3; ++i)
    self->send(store, claim_atom::value, room_id, std::string{"node-" + std::to_string(i)});
  self->send(store, claim_atom::value, other, std::string{"node-a"});
  self->send(store, claim_atom::value, int64_t{999999}, std::string{"node-a"});
  std::vector<int64_t> epochs;
  int missing = 0;
  for (int i = 0; i < 5; ++i)
    self->receive(
      [&](room_claim& claim) {
        if (claim.room.id == room_id) {
          epochs.push_back(claim.room.owner_epoch);
          CAF_CHECK_EQUAL(claim.members.size(), 2u);
        }
      },
      [&](caf::error& err) {
        CAF_CHECK_EQUAL(code_of(err), chat_errc::not_found);
        ++missing;
      });
  std::sort(epochs.begin(), epochs.end());
  CAF_CHECK_EQUAL(epochs, (std::vector<int64_t>{1, 2, 3}));
  CAF_CHECK_EQUAL(missing, 1);
  CAF_CHECK_EQUAL(rooms_value("SELECT owner_epoch FROM rooms WHERE id = " + q(room_id)), 3);
}

CAF_TEST(a commit writes metadata and outbox events in one transaction) {
  auto epoch = claim();
  auto a = message(1, alice.id);
  auto b = message(2, bob.id, {alice.id});
  auto result = call<commit_result>(store, commit_atom::value, room_commit{room_id, epoch, {a, b}});
  CAF_CHECK(result.rejected.empty());
  // The room's creation took versions 1 and 2 (MemberJoined of alice and bob); b has a
  // mention: MessageSent(a)=3, MessageSent(b)=4, MessageMentioned(b)=5.
  CAF_CHECK_EQUAL(result.versions, (std::vector<int64_t>{3, 4}));
  CAF_CHECK_EQUAL(result.room.last_seq, 2);
  CAF_CHECK_EQUAL(result.room.message_count, 2);
  CAF_CHECK_EQUAL(result.room.version, 5);
  CAF_CHECK(result.room.has_last_message);
  CAF_CHECK_EQUAL(result.room.last_message.id, b.id);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM room_messages WHERE room_id = " + q(room_id)),
                  2);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM outbox WHERE event_type = 'MessageSent'"), 2);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM outbox WHERE event_type = 'MessageMentioned'"),
                  1);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM outbox WHERE event_type = 'MemberJoined'"), 2);
  CAF_CHECK_EQUAL(rooms_value("SELECT max(version) FROM outbox"), 5);
  // Senders have read their own messages.
  CAF_CHECK_EQUAL(rooms_value("SELECT read_seq FROM room_members WHERE user_id = " + q(alice.id)),
                  1);
  CAF_CHECK_EQUAL(rooms_value("SELECT read_seq FROM room_members WHERE user_id = " + q(bob.id)), 2);
  auto view = membership_queries::view(rooms_db, room_id, alice.id);
  CAF_CHECK_EQUAL(view.unread_count, 1);
  // A mention carries its own payload; a MessageSent refers to its room commit.
  pqxx::read_transaction txn{rooms_db.get()};
  auto mention = nlohmann::json::parse(
    txn.exec1("SELECT payload FROM outbox WHERE event_type = 'MessageMentioned'")[0]
      .as<std::string>());
  CAF_CHECK_EQUAL(mention["messageId"], b.id);
  CAF_CHECK_EQUAL(mention["mentionedUserIds"], nlohmann::json::array({alice.id}));
  CAF_CHECK(txn
              .exec1("SELECT bool_and(payload IS NULL) FROM outbox "
                     "WHERE event_type = 'MessageSent'")[0]
              .as<bool>());
  auto sent = nlohmann::json::parse(
    txn.exec1("SELECT message::text FROM room_messages WHERE message_id = '" + b.id + "'")[0]
      .as<std::string>());
  CAF_CHECK_EQUAL(sent["id"], b.id);
  CAF_CHECK_EQUAL(sent["content"], b.content);
  CAF_CHECK_EQUAL(sent["mentions"], nlohmann::json::array({alice.id}));
}

CAF_TEST(a commit with a stale epoch is fenced and writes nothing) {
  auto stale = claim();
  auto current = claim();
  CAF_CHECK_EQUAL(current, stale + 1);
  auto err = call_error<commit_result>(store, commit_atom::value,
                                       room_commit{room_id, stale, {message(1, alice.id)}});
  CAF_CHECK_EQUAL(code_of(err), chat_errc::fenced);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM room_messages"), 0);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM outbox WHERE message_id IS NOT NULL"), 0);
  CAF_CHECK_EQUAL(rooms_value("SELECT last_seq FROM rooms WHERE id = " + q(room_id)), 0);
  auto ok = call<commit_result>(store, commit_atom::value,
                                room_commit{room_id, current, {message(1, alice.id)}});
  CAF_CHECK_EQUAL(ok.room.last_seq, 1);
}

CAF_TEST(commits of several rooms in one batch fail only the fenced room) {
  auto other_room = make_room({alice.id, bob.id});
  auto epoch = claim();
  auto other_epoch =
    call<room_claim>(store, claim_atom::value, other_room, std::string{"node-a"}).room.owner_epoch;
  auto other_message = message(1, alice.id);
  other_message.room_id = other_room;
  // Sent without waiting so that the front batches them into one transaction.
  self->send(store, commit_atom::value, room_commit{room_id, epoch + 7, {message(1, alice.id)}});
  self->send(store, commit_atom::value, room_commit{other_room, other_epoch, {other_message}});
  int fenced = 0;
  int committed = 0;
  for (int i = 0; i < 2; ++i)
    self->receive([&](commit_result&) { ++committed; },
                  [&](caf::error& err) {
                    CAF_CHECK_EQUAL(code_of(err), chat_errc::fenced);
                    ++fenced;
                  });
  CAF_CHECK_EQUAL(fenced, 1);
  CAF_CHECK_EQUAL(committed, 1);
  CAF_CHECK_EQUAL(
    rooms_value("SELECT count(*) FROM room_messages WHERE room_id = " + q(other_room)), 1);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM room_messages WHERE room_id = " + q(room_id)),
                  0);
}

CAF_TEST(resolve keeps a commit or aborts it and recomputes the room) {
  auto epoch = claim();
  auto a = message(1, alice.id);
  auto b = message(2, alice.id);
  call<commit_result>(store, commit_atom::value, room_commit{room_id, epoch, {a, b}});
  // Deciding a committed message keeps it.
  auto kept = call<resolution>(store, resolve_atom::value, room_id, b.id, false);
  CAF_CHECK(kept.committed);
  CAF_CHECK_EQUAL(kept.room.last_seq, 2);
  // Aborting it removes the commit and its unpublished event, and recomputes the room from
  // what remains.
  auto aborted = call<resolution>(store, resolve_atom::value, room_id, b.id, true);
  CAF_CHECK(!aborted.committed);
  CAF_CHECK(aborted.removed);
  CAF_CHECK_EQUAL(aborted.room.last_seq, 1);
  CAF_CHECK_EQUAL(aborted.room.message_count, 1);
  CAF_CHECK_EQUAL(aborted.room.last_message.id, a.id);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM outbox WHERE message_id IS NOT NULL"), 1);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM outbox WHERE event_type = 'MessageRetracted'"),
                  0);
  // A tombstoned message can never be committed afterwards.
  auto late = call<commit_result>(store, commit_atom::value, room_commit{room_id, epoch, {b}});
  CAF_CHECK_EQUAL(late.rejected, std::vector<std::string>{b.id});
  CAF_CHECK_EQUAL(late.room.last_seq, 1);
  // Deciding an unknown message aborts it too.
  auto unknown = make_uuid();
  CAF_CHECK(!call<resolution>(store, resolve_atom::value, room_id, unknown, false).committed);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM message_tombstones"), 2);
}

CAF_TEST(aborting a published message retracts it) {
  auto epoch = claim();
  auto a = message(1, alice.id);
  call<commit_result>(store, commit_atom::value, room_commit{room_id, epoch, {a}});
  {
    // What the relay does once Kafka acknowledged the event.
    pqxx::work txn{rooms_db.get()};
    txn.exec("DELETE FROM outbox");
    txn.commit();
  }
  auto aborted = call<resolution>(store, resolve_atom::value, room_id, a.id, true);
  CAF_CHECK(aborted.removed);
  CAF_CHECK_EQUAL(aborted.room.last_seq, 0);
  CAF_CHECK(!aborted.room.has_last_message);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM outbox WHERE event_type = 'MessageRetracted' "
                              "AND version = 4"),
                  1);
}

CAF_TEST(saga dead letters are recorded listed and resolved) {
  saga_dead_letter letter;
  letter.message_id = make_uuid();
  letter.room_id = room_id;
  letter.seq = 3;
  letter.sender_id = alice.id;
  letter.temp_id = "t3";
  letter.reason = "delete failed";
  CAF_CHECK(call<bool>(store, dead_atom::value, letter));
  CAF_CHECK(call<bool>(store, dead_atom::value, letter)); // again: one row, two attempts
  auto letters = call<std::vector<saga_dead_letter>>(store, dead_list_atom::value, int32_t{10});
  CAF_REQUIRE_EQUAL(letters.size(), 1u);
  CAF_CHECK_EQUAL(letters.front().attempts, 2);
  CAF_CHECK(call<bool>(store, dead_done_atom::value, letter.message_id));
  CAF_CHECK(call<std::vector<saga_dead_letter>>(store, dead_list_atom::value, int32_t{10}).empty());
}

CAF_TEST(membership and read positions) {
  auto carol = make_user("carol");
  auto err = call_error<room_metadata>(store, metadata_atom::value, int64_t{424242});
  CAF_CHECK_EQUAL(code_of(err), chat_errc::not_found);
  room_admin_queries::add_members(rooms_db, room_id, alice.id, {carol.id});
  CAF_CHECK_EQUAL(call<std::vector<room_member>>(store, members_atom::value, room_id).size(), 3u);
  auto epoch = claim();
  call<commit_result>(store, commit_atom::value,
                      room_commit{room_id, epoch, {message(1, alice.id), message(2, alice.id)}});
  CAF_CHECK_EQUAL(membership_queries::view(rooms_db, room_id, carol.id).unread_count, 2);
  CAF_CHECK_EQUAL(membership_queries::mark_read(rooms_db, room_id, carol.id, 1).unread_count, 1);
  // Never backwards, never beyond the last seq.
  CAF_CHECK_EQUAL(membership_queries::mark_read(rooms_db, room_id, carol.id, 0).unread_count, 1);
  CAF_CHECK_EQUAL(membership_queries::mark_read(rooms_db, room_id, carol.id, 99).unread_count, 0);
  auto rooms = membership_queries::rooms_of(rooms_db, carol.id);
  CAF_REQUIRE_EQUAL(rooms.size(), 1u);
  CAF_CHECK_EQUAL(rooms.front().participants.size(), 3u);
  CAF_CHECK_EQUAL(room_admin_queries::remove_member(rooms_db, room_id, carol.id, carol.id).gone,
                  std::vector<int64_t>{carol.id});
  CAF_CHECK(!membership_queries::is_member(rooms_db, room_id, carol.id));
}

CAF_TEST(changes riding with a commit follow its messages in one transaction) {
  auto epoch = claim();
  auto a = message(1, alice.id);
  call<commit_result>(store, commit_atom::value, room_commit{room_id, epoch, {a}});
  message_change react{change_kind::react, a.id, bob.id, "+1", now_ms()};
  message_change edit{change_kind::edit, a.id, alice.id, "edited", now_ms()};
  message_change foreign_edit{change_kind::edit, a.id, bob.id, "not mine", now_ms()};
  auto b = message(2, bob.id);
  auto result = call<commit_result>(store, commit_atom::value,
                                    room_commit{room_id, epoch, {b}, {react, foreign_edit, edit}});
  // After the creation's 1 and 2: MessageSent(a)=3, then MessageSent(b)=4, then the changes:
  // reaction 5, edit 6.
  CAF_CHECK_EQUAL(result.versions, (std::vector<int64_t>{4}));
  CAF_REQUIRE_EQUAL(result.changes.outcomes.size(), 3u);
  CAF_CHECK_EQUAL(result.changes.outcomes[0].version, 5);
  CAF_CHECK(!result.changes.errors[0]);
  CAF_CHECK_EQUAL(code_of(result.changes.errors[1]), chat_errc::forbidden);
  CAF_CHECK_EQUAL(result.changes.outcomes[2].version, 6);
  CAF_CHECK_EQUAL(result.changes.outcomes[2].message.content, "edited");
  CAF_CHECK_EQUAL(result.room.version, 6);
  CAF_CHECK_EQUAL(result.room.last_seq, 2);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM outbox WHERE event_type = 'ReactionAdded' "
                              "AND version = 5"),
                  1);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM outbox WHERE event_type = 'MessageEdited' "
                              "AND version = 6"),
                  1);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM message_applies"), 1);
}

CAF_TEST(a fault in the changes of a commit leaves neither messages nor changes) {
  auto epoch = claim();
  auto a = message(1, alice.id);
  call<commit_result>(store, commit_atom::value, room_commit{room_id, epoch, {a}});
  fault_registry::instance().arm(fault_point::room_change,
                                 fault_spec{fault_action::fail, {}, 1, 1.0});
  message_change react{change_kind::react, a.id, bob.id, "+1", now_ms()};
  auto b = message(2, bob.id);
  auto err =
    call_error<commit_result>(store, commit_atom::value, room_commit{room_id, epoch, {b}, {react}});
  CAF_CHECK_EQUAL(code_of(err), chat_errc::fault_injected);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM room_messages"), 1);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM message_reactions"), 0);
  CAF_CHECK_EQUAL(rooms_value("SELECT max(version) FROM outbox"), 3);
  CAF_CHECK_EQUAL(rooms_value("SELECT version FROM rooms WHERE id = " + q(room_id)), 3);
}

CAF_TEST_FIXTURE_SCOPE_END()
