#define CAF_SUITE recovery_sweeper

#include "actors/background/recovery_sweeper.hpp"

#include <caf/test/unit_test.hpp>

#include "persistence/messages/message_store.hpp"
#include "persistence/rooms/commit_store.hpp"
#include "protocol/clock.hpp"
#include "protocol/types/room_commit.hpp"
#include "protocol/uuid.hpp"
#include "tests/support/database_fixture.hpp"
#include "tests/support/system_fixture.hpp"

using namespace chat;
using namespace chat::test;

namespace {

struct fixture : database_fixture, system_fixture {
  message_store_actor messages;
  commit_store_actor rooms;
  recovery_sweeper_actor sweeper;
  int64_t room_id = 0;
  int64_t epoch = 0;
  user alice;

  fixture() {
    messages = sys.spawn(message_store, store_settings{messages_dsn, 2, 64});
    rooms = sys.spawn(commit_store, store_settings{rooms_dsn, 2, 64});
    alice = make_user("alice");
    room_id = make_room({alice.id});
    epoch =
      call<room_claim>(rooms, claim_atom::value, room_id, std::string{"node-a"}).room.owner_epoch;
    recovery_settings settings;
    settings.pending_age = std::chrono::milliseconds(200);
    settings.interval = std::chrono::hours(1); // sweeps on request only, after the first
    sweeper = sys.spawn(recovery_sweeper, settings, messages, rooms);
    call<sweep_report>(sweeper, sweep_atom::value);
  }

  ~fixture() { stop(messages, rooms, sweeper); }

  chat_message pending(int64_t seq) {
    chat_message msg;
    msg.id = make_uuid();
    msg.room_id = room_id;
    msg.seq = seq;
    msg.sender_id = alice.id;
    msg.temp_id = "t" + std::to_string(seq);
    msg.content = "m" + std::to_string(seq);
    msg.created_at = now_ms();
    CAF_REQUIRE(call<insert_outcome>(messages, insert_atom::value, msg).inserted);
    return msg;
  }

  /// 0 pending, 1 committed, 2 compensating, -1 gone.
  int64_t state_of(const chat_message& msg) {
    return messages_value("SELECT CASE WHEN m.id IS NULL THEN -1 ELSE coalesce(p.state, 1) END "
                          "FROM (SELECT 1) one LEFT JOIN messages m ON m.id = '" +
                          msg.id + "' LEFT JOIN message_pending p ON p.id = m.id");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(recovery_sweeper_tests, fixture)

CAF_TEST(a crash leaves pending messages : committed ones finish forward the rest go) {
  // The node died after step 2 for the first message and before step 2 for the second.
  auto committed = pending(1);
  call<commit_result>(rooms, commit_atom::value, room_commit{room_id, epoch, {committed}});
  auto lost = pending(2);
  // Young messages belong to sagas that may still run: left alone.
  auto early = call<sweep_report>(sweeper, sweep_atom::value);
  CAF_CHECK_EQUAL(early.forwarded + early.aborted, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto report = call<sweep_report>(sweeper, sweep_atom::value);
  CAF_CHECK_EQUAL(report.forwarded, 1);
  CAF_CHECK_EQUAL(report.aborted, 1);
  CAF_CHECK_EQUAL(report.errors, 0);
  CAF_CHECK_EQUAL(state_of(committed), 1);
  CAF_CHECK_EQUAL(state_of(lost), -1);
  // The removed message can never be committed by a saga that wakes up late.
  auto late = call<commit_result>(rooms, commit_atom::value, room_commit{room_id, epoch, {lost}});
  CAF_CHECK_EQUAL(late.rejected, std::vector<std::string>{lost.id});
  // Nothing left to do.
  auto again = call<sweep_report>(sweeper, sweep_atom::value);
  CAF_CHECK_EQUAL(again.forwarded + again.aborted + again.errors, 0);
}

CAF_TEST(a message marked compensating is removed even though its commit exists) {
  auto msg = pending(1);
  call<commit_result>(rooms, commit_atom::value, room_commit{room_id, epoch, {msg}});
  CAF_REQUIRE(call<bool>(messages, mark_atom::value, msg.id));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto report = call<sweep_report>(sweeper, sweep_atom::value);
  CAF_CHECK_EQUAL(report.aborted, 1);
  CAF_CHECK_EQUAL(state_of(msg), -1);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM room_messages"), 0);
  CAF_CHECK_EQUAL(rooms_value("SELECT last_seq FROM rooms"), 0);
}

CAF_TEST(dead letters are compensated and resolved) {
  // A saga whose delete failed: its room commit was aborted, the message stayed (finalized
  // even, by a late finalize).
  auto msg = pending(1);
  call<commit_result>(rooms, commit_atom::value, room_commit{room_id, epoch, {msg}});
  call<bool>(messages, finalize_atom::value, msg.id, int64_t{1});
  call<resolution>(rooms, resolve_atom::value, room_id, msg.id, true);
  saga_dead_letter letter;
  letter.message_id = msg.id;
  letter.room_id = room_id;
  letter.seq = 1;
  letter.sender_id = alice.id;
  letter.temp_id = msg.temp_id;
  letter.reason = "delete failed";
  call<bool>(rooms, dead_atom::value, letter);
  auto report = call<sweep_report>(sweeper, sweep_atom::value);
  CAF_CHECK_EQUAL(report.aborted, 1);
  CAF_CHECK_EQUAL(state_of(msg), -1);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM saga_dead_letters WHERE resolved_at IS NULL"),
                  0);
}

CAF_TEST_FIXTURE_SCOPE_END()
