#define CAF_SUITE message_store

#include "persistence/messages/message_store.hpp"

#include <caf/test/unit_test.hpp>

#include "persistence/faults/fault_points.hpp"
#include "protocol/clock.hpp"
#include "protocol/uuid.hpp"
#include "tests/support/database_fixture.hpp"
#include "tests/support/system_fixture.hpp"

using namespace chat;
using namespace chat::test;

namespace {

struct fixture : database_fixture, system_fixture {
  message_store_actor store;

  fixture() { store = sys.spawn(message_store, store_settings{messages_dsn, 2, 64}); }

  ~fixture() {
    fault_registry::instance().disarm_all();
    stop(store);
  }

  chat_message message(int64_t room, int64_t seq, int64_t sender = 1) {
    chat_message msg;
    msg.id = make_uuid();
    msg.room_id = room;
    msg.seq = seq;
    msg.sender_id = sender;
    msg.temp_id = "temp-" + std::to_string(room) + "-" + std::to_string(seq);
    msg.content = "content '" + std::to_string(seq) + "'; DROP TABLE messages; --";
    msg.mentions = {2, 3};
    msg.created_at = now_ms();
    return msg;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(message_store_tests, fixture)

CAF_TEST(concurrent inserts are batched and all stored pending) {
  constexpr int count = 200;
  for (int i = 1; i <= count; ++i)
    self->send(store, insert_atom::value, message(1, i));
  int inserted = 0;
  for (int i = 0; i < count; ++i)
    self->receive([&](insert_outcome& outcome) { inserted += outcome.inserted ? 1 : 0; },
                  [&](caf::error& err) { CAF_FAIL(describe(err)); });
  CAF_CHECK_EQUAL(inserted, count);
  CAF_CHECK_EQUAL(messages_value("SELECT count(*) FROM messages"), count);
  CAF_CHECK_EQUAL(messages_value("SELECT count(*) FROM message_pending WHERE state = 0"), count);
  // They arrived together, so they went in far fewer transactions than messages.
  CAF_CHECK_LESS(messages_value("SELECT count(DISTINCT xmin::text) FROM messages"), count / 2);
}

CAF_TEST(a repeated sender and tempId returns the stored message) {
  auto first = message(1, 1);
  CAF_CHECK(call<insert_outcome>(store, insert_atom::value, first).inserted);
  auto again = message(1, 2);
  again.temp_id = first.temp_id;
  again.content = first.content;
  auto outcome = call<insert_outcome>(store, insert_atom::value, again);
  CAF_CHECK(!outcome.inserted);
  CAF_CHECK_EQUAL(outcome.existing.id, first.id);
  CAF_CHECK_EQUAL(outcome.existing.content, first.content);
  CAF_CHECK_EQUAL(outcome.existing.mentions, first.mentions);
  CAF_CHECK_EQUAL(outcome.existing.created_at, first.created_at);
  CAF_CHECK_EQUAL(messages_value("SELECT count(*) FROM messages"), 1);
  // Inserting the very same message again (same id) is idempotent.
  CAF_CHECK(call<insert_outcome>(store, insert_atom::value, first).inserted);
}

CAF_TEST(a tempId reused for another message stores nothing and says so) {
  auto first = message(1, 1);
  CAF_CHECK(call<insert_outcome>(store, insert_atom::value, first).inserted);
  // Another room.
  auto elsewhere = message(2, 1);
  elsewhere.temp_id = first.temp_id;
  elsewhere.content = first.content;
  CAF_CHECK_EQUAL(code_of(call_error<insert_outcome>(store, insert_atom::value, elsewhere)),
                  chat_errc::temp_id_reused);
  // Other content.
  auto other = message(1, 2);
  other.temp_id = first.temp_id;
  CAF_CHECK_EQUAL(code_of(call_error<insert_outcome>(store, insert_atom::value, other)),
                  chat_errc::temp_id_reused);
  CAF_CHECK_EQUAL(messages_value("SELECT count(*) FROM messages"), 1);
  CAF_CHECK_EQUAL(messages_value("SELECT count(*) FROM messages WHERE room_id = 2"), 0);
}

CAF_TEST(a taken seq fails only that message) {
  CAF_CHECK(call<insert_outcome>(store, insert_atom::value, message(1, 1)).inserted);
  auto clash = message(1, 1, 2);
  clash.temp_id = "other";
  auto err = call_error<insert_outcome>(store, insert_atom::value, clash);
  // Only another owner of the room writes its seqs: the room's writer is fenced.
  CAF_CHECK_EQUAL(code_of(err), chat_errc::fenced);
  CAF_CHECK(call<insert_outcome>(store, insert_atom::value, message(1, 2)).inserted);
}

CAF_TEST(finalize makes messages visible in the history) {
  std::vector<chat_message> all;
  for (int i = 1; i <= 5; ++i) {
    all.push_back(message(9, i));
    call<insert_outcome>(store, insert_atom::value, all.back());
  }
  CAF_CHECK(
    call<history_page>(store, history_atom::value, history_query{9, 0, 0, 50}).messages.empty());
  for (int i = 0; i < 4; ++i)
    CAF_CHECK(call<bool>(store, finalize_atom::value, all[i].id, int64_t{1}));
  CAF_CHECK(!call<bool>(store, finalize_atom::value, make_uuid(), int64_t{1}));
  CAF_CHECK(!call<bool>(store, finalize_atom::value, std::string{"not-a-uuid"}, int64_t{1}));
  auto page = call<history_page>(store, history_atom::value, history_query{9, 1, 0, 2});
  CAF_REQUIRE_EQUAL(page.messages.size(), 2u);
  CAF_CHECK_EQUAL(page.messages[0].seq, 2);
  CAF_CHECK_EQUAL(page.messages[1].seq, 3);
  CAF_CHECK(page.has_more);
  CAF_CHECK_EQUAL(page.messages[0].content, all[1].content);
  CAF_CHECK_EQUAL(page.messages[0].state, message_state::committed);
  auto newest = call<history_page>(store, history_atom::value, history_query{9, 0, 4, 2, true});
  CAF_REQUIRE_EQUAL(newest.messages.size(), 2u);
  CAF_CHECK_EQUAL(newest.messages[0].seq, 2);
  CAF_CHECK_EQUAL(newest.messages[1].seq, 3);
  auto rest = call<history_page>(store, history_atom::value, history_query{9, 3, 0, 50});
  CAF_CHECK_EQUAL(rest.messages.size(), 1u); // seq 5 is still pending
  CAF_CHECK(!rest.has_more);
}

CAF_TEST(delete and mark serve compensation) {
  auto a = message(3, 1);
  auto b = message(3, 2);
  call<insert_outcome>(store, insert_atom::value, a);
  call<insert_outcome>(store, insert_atom::value, b);
  CAF_CHECK(call<bool>(store, delete_atom::value, a.id));
  CAF_CHECK(!call<bool>(store, delete_atom::value, a.id));
  CAF_CHECK(call<bool>(store, mark_atom::value, b.id));
  // A message marked compensating is never finalized.
  CAF_CHECK(!call<bool>(store, finalize_atom::value, b.id, int64_t{1}));
  CAF_CHECK_EQUAL(messages_value("SELECT state FROM message_pending WHERE id = '" + b.id + "'"), 2);
  // A committed message was decided: it is not marked and stays committed.
  auto c = message(3, 3);
  call<insert_outcome>(store, insert_atom::value, c);
  CAF_CHECK(call<bool>(store, finalize_atom::value, c.id, int64_t{1}));
  CAF_CHECK(!call<bool>(store, mark_atom::value, c.id));
  CAF_CHECK_EQUAL(messages_value("SELECT count(*) FROM message_pending WHERE id = '" + c.id + "'"),
                  0);
}

CAF_TEST(snapshot and pending list what rooms and recovery need) {
  for (int i = 1; i <= 3; ++i)
    call<insert_outcome>(store, insert_atom::value, message(4, i));
  auto committed = message(4, 4);
  call<insert_outcome>(store, insert_atom::value, committed);
  call<bool>(store, finalize_atom::value, committed.id, int64_t{1});
  auto snapshot = call<room_snapshot>(store, snapshot_atom::value, int64_t{4}, int32_t{2});
  CAF_CHECK_EQUAL(snapshot.max_seq, 4);
  // The dedupe seed: keys of committed messages only.
  CAF_REQUIRE_EQUAL(snapshot.recent.size(), 1u);
  CAF_CHECK_EQUAL(snapshot.recent.front().id, committed.id);
  CAF_CHECK_EQUAL(snapshot.recent.front().temp_id, committed.temp_id);
  CAF_CHECK_EQUAL(snapshot.recent.front().seq, 4);
  CAF_CHECK_EQUAL(snapshot.unfinished.size(), 3u);
  auto young = call<std::vector<chat_message>>(store, pending_atom::value,
                                               caf::timespan{std::chrono::hours(1)}, int32_t{10});
  CAF_CHECK(young.empty());
  auto old =
    call<std::vector<chat_message>>(store, pending_atom::value, caf::timespan{0}, int32_t{10});
  CAF_CHECK_EQUAL(old.size(), 3u);
  auto found =
    call<std::vector<chat_message>>(store, find_atom::value, int64_t{1}, committed.temp_id);
  CAF_REQUIRE_EQUAL(found.size(), 1u);
  CAF_CHECK_EQUAL(found.front().id, committed.id);
}

CAF_TEST(an armed fault point fails the batch and the next one succeeds) {
  fault_registry::instance().arm(fault_point::message_insert,
                                 fault_spec{fault_action::fail, {}, 1, 1.0});
  auto err = call_error<insert_outcome>(store, insert_atom::value, message(5, 1));
  CAF_CHECK_EQUAL(code_of(err), chat_errc::fault_injected);
  CAF_CHECK_EQUAL(messages_value("SELECT count(*) FROM messages"), 0);
  CAF_CHECK(call<insert_outcome>(store, insert_atom::value, message(5, 1)).inserted);
}

CAF_TEST(a crashed worker is replaced and its batch fails) {
  fault_registry::instance().arm(fault_point::message_finalize,
                                 fault_spec{fault_action::crash, {}, 1, 1.0});
  auto msg = message(6, 1);
  call<insert_outcome>(store, insert_atom::value, msg);
  auto err = call_error<bool>(store, finalize_atom::value, msg.id, int64_t{1});
  CAF_CHECK_EQUAL(code_of(err), chat_errc::worker_crashed);
  // The transaction died with its worker; a new worker finalizes.
  CAF_CHECK_EQUAL(messages_value("SELECT state FROM message_pending WHERE id = '" + msg.id + "'"),
                  0);
  CAF_CHECK(call<bool>(store, finalize_atom::value, msg.id, int64_t{1}));
}

CAF_TEST(connections the server dropped while idle reconnect without failing a request) {
  // Both workers hold a connection.
  for (int i = 1; i <= 4; ++i)
    self->send(store, insert_atom::value, message(1, i));
  for (int i = 0; i < 4; ++i)
    self->receive([](insert_outcome&) {}, [&](caf::error& err) { CAF_FAIL(describe(err)); });
  // What a PostgreSQL restart does to them.
  CAF_REQUIRE_GREATER_OR_EQUAL(
    messages_value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                   "datname = current_database() AND pid <> pg_backend_pid()"),
    1);
  for (int i = 5; i <= 8; ++i)
    CAF_CHECK(call<insert_outcome>(store, insert_atom::value, message(1, i)).inserted);
  CAF_CHECK_EQUAL(messages_value("SELECT count(*) FROM messages"), 8);
}

CAF_TEST_FIXTURE_SCOPE_END()
