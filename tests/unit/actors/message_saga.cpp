#define CAF_SUITE message_saga

#include "actors/saga/message_saga.hpp"

#include "tests/support/actor_fixture.hpp"
#include "tests/unit/fakes.hpp"

#include "protocol/uuid.hpp"

using namespace chat;
using namespace chat::test;
using names = std::vector<std::string>;

namespace {

struct fixture : actor_fixture {
  fake_backend backend;
  message_store_actor messages;
  commit_store_actor commits;
  room_actor room;
  status_sink_actor sink;
  saga_settings settings;

  fixture() {
    messages = sys.spawn(fake_message_store, &backend);
    commits = sys.spawn(fake_commit_store, &backend);
    room = sys.spawn(fake_room, &backend);
    sink = sys.spawn(fake_sink, &backend);
    settings.step_timeout = std::chrono::seconds(5);
    settings.compensation_attempts = 3;
    settings.compensation_backoff = std::chrono::milliseconds(100);
  }

  ~fixture() override {
    for (auto hdl : {caf::actor_cast<caf::actor>(messages), caf::actor_cast<caf::actor>(commits),
                     caf::actor_cast<caf::actor>(room), caf::actor_cast<caf::actor>(sink)})
      caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
    backend.clear();
    run_all();
  }

  chat_message message(int64_t seq = 1) {
    chat_message msg;
    msg.id = make_uuid();
    msg.room_id = 7;
    msg.seq = seq;
    msg.sender_id = 42;
    msg.temp_id = "t" + std::to_string(seq);
    msg.content = "hello";
    msg.created_at = 1000;
    return msg;
  }

  /// Starts a saga and runs it without letting time pass.
  void start(const chat_message& msg) {
    sys.spawn(message_saga, msg, sink, saga_deps{messages, commits, room}, settings);
    sched.run();
  }

  const saga_outcome& outcome() {
    CAF_REQUIRE_EQUAL(backend.outcomes.size(), 1u);
    return backend.outcomes.front();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(message_saga_tests, fixture)

CAF_TEST(success runs the three steps and reports SAVED) {
  auto msg = message();
  start(msg);
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert", "commit", "finalize"}));
  CAF_CHECK_EQUAL(backend.statuses_of("t1"), std::vector<delivery_status>{delivery_status::saved});
  CAF_CHECK_EQUAL(backend.statuses.front().persisted_id, msg.id);
  CAF_CHECK_EQUAL(backend.statuses.front().seq, 1);
  CAF_CHECK_EQUAL(outcome().state, saga_state::completed);
  CAF_CHECK(outcome().committed);
  CAF_CHECK_EQUAL(backend.messages[msg.id].state, message_state::committed);
}

CAF_TEST(a definitive insert failure compensates nothing) {
  backend.then("insert", {fake_reply::fail});
  start(message());
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert"}));
  CAF_CHECK_EQUAL(backend.statuses_of("t1"), std::vector<delivery_status>{delivery_status::failed});
  CAF_CHECK_EQUAL(backend.statuses.front().error_code, "STORE_FAILED");
  CAF_CHECK_EQUAL(outcome().state, saga_state::compensated);
  CAF_CHECK(!outcome().committed);
  CAF_CHECK(outcome().decided);
}

CAF_TEST(an insert in doubt is compensated by a delete) {
  backend.then("insert", {fake_reply::in_doubt});
  start(message());
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert", "delete"}));
  CAF_CHECK_EQUAL(outcome().state, saga_state::compensated);
  CAF_CHECK_EQUAL(backend.statuses_of("t1"), std::vector<delivery_status>{delivery_status::failed});
}

CAF_TEST(an insert that hangs times out and is compensated) {
  backend.then("insert", {fake_reply::hang});
  start(message());
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert"}));
  CAF_CHECK(backend.outcomes.empty());
  sched.advance_time(settings.step_timeout);
  sched.run();
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert", "delete"}));
  CAF_CHECK_EQUAL(outcome().state, saga_state::compensated);
  CAF_CHECK_EQUAL(backend.statuses_of("t1"), std::vector<delivery_status>{delivery_status::failed});
}

CAF_TEST(a room commit failure deletes the stored message) {
  auto msg = message();
  backend.then("commit", {fake_reply::fail});
  start(msg);
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert", "commit", "delete"}));
  CAF_CHECK_EQUAL(backend.messages.count(msg.id), 0u);
  CAF_CHECK_EQUAL(outcome().state, saga_state::compensated);
  CAF_CHECK_EQUAL(backend.statuses_of("t1"), std::vector<delivery_status>{delivery_status::failed});
}

CAF_TEST(a fenced room commit deletes the stored message) {
  backend.then("commit", {fake_reply::fenced});
  start(message());
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert", "commit", "delete"}));
  CAF_CHECK_EQUAL(backend.statuses.front().error_code, "ROOM_MOVED");
}

CAF_TEST(a room commit in doubt is aborted before the delete) {
  auto msg = message();
  backend.then("commit", {fake_reply::in_doubt});
  start(msg);
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert", "commit", "mark", "abort", "delete"}));
  CAF_CHECK_EQUAL(backend.tombstones.count(msg.id), 1u);
  CAF_CHECK_EQUAL(outcome().state, saga_state::compensated);
}

CAF_TEST(a room commit that times out is aborted before the delete) {
  auto msg = message();
  backend.then("commit", {fake_reply::hang});
  start(msg);
  sched.advance_time(settings.step_timeout);
  sched.run();
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert", "commit", "mark", "abort", "delete"}));
  CAF_CHECK_EQUAL(backend.tombstones.count(msg.id), 1u);
  CAF_CHECK_EQUAL(outcome().state, saga_state::compensated);
}

CAF_TEST(a commit in doubt that recovery committed meanwhile ends SAVED) {
  // A new owner of the room resolved the message while this saga waited for its commit:
  // it found the commit and finalized the message. That decision stands.
  auto msg = message();
  backend.then("commit", {fake_reply::hang});
  start(msg);
  backend.messages[msg.id].state = message_state::committed;
  sched.advance_time(settings.step_timeout);
  sched.run();
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert", "commit", "mark", "find"}));
  CAF_CHECK_EQUAL(backend.statuses_of("t1"), std::vector<delivery_status>{delivery_status::saved});
  CAF_CHECK(outcome().committed);
}

CAF_TEST(a commit in doubt that recovery removed meanwhile ends FAILED touching nothing) {
  auto msg = message();
  backend.then("commit", {fake_reply::hang});
  start(msg);
  backend.messages.erase(msg.id);
  sched.advance_time(settings.step_timeout);
  sched.run();
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert", "commit", "mark", "find"}));
  CAF_CHECK_EQUAL(backend.statuses_of("t1"), std::vector<delivery_status>{delivery_status::failed});
  CAF_CHECK_EQUAL(outcome().state, saga_state::compensated);
}

CAF_TEST(a finalize failure compensates both earlier steps in reverse) {
  auto msg = message();
  backend.then("finalize", {fake_reply::fail});
  start(msg);
  CAF_CHECK_EQUAL(backend.call_names(),
                  (names{"insert", "commit", "finalize", "mark", "abort", "delete"}));
  CAF_CHECK_EQUAL(backend.commits.count(msg.id), 0u);
  CAF_CHECK_EQUAL(backend.messages.count(msg.id), 0u);
  CAF_CHECK_EQUAL(outcome().state, saga_state::compensated);
  CAF_CHECK_EQUAL(backend.statuses_of("t1"), std::vector<delivery_status>{delivery_status::failed});
}

CAF_TEST(a vanished message at finalize compensates) {
  backend.then("finalize", {fake_reply::not_found});
  start(message());
  CAF_CHECK_EQUAL(backend.call_names(),
                  (names{"insert", "commit", "finalize", "mark", "abort", "delete"}));
  CAF_CHECK_EQUAL(outcome().state, saga_state::compensated);
}

CAF_TEST(a compensation step is retried with backoff) {
  auto msg = message();
  backend.then("finalize", {fake_reply::fail});
  backend.then("delete", {fake_reply::fail, fake_reply::fail});
  start(msg);
  CAF_CHECK_EQUAL(backend.count("delete"), 1u);
  // The first retry waits for the backoff, the second for twice the backoff.
  sched.advance_time(settings.compensation_backoff);
  sched.run();
  CAF_CHECK_EQUAL(backend.count("delete"), 2u);
  sched.advance_time(settings.compensation_backoff);
  sched.run();
  CAF_CHECK_EQUAL(backend.count("delete"), 2u);
  sched.advance_time(settings.compensation_backoff);
  sched.run();
  CAF_CHECK_EQUAL(backend.count("delete"), 3u);
  CAF_CHECK_EQUAL(outcome().state, saga_state::compensated);
  CAF_CHECK(backend.dead_letters.empty());
}

CAF_TEST(a compensation that keeps failing ends FAILED with a dead letter) {
  auto msg = message();
  backend.then("finalize", {fake_reply::fail});
  backend.repeat("delete", fake_reply::fail, 3);
  start(msg);
  run_all();
  CAF_CHECK_EQUAL(backend.count("delete"), 3u);
  CAF_REQUIRE_EQUAL(backend.dead_letters.size(), 1u);
  CAF_CHECK_EQUAL(backend.dead_letters.front().message_id, msg.id);
  CAF_CHECK_EQUAL(outcome().state, saga_state::failed);
  CAF_CHECK(outcome().decided);
  // The room commit was undone before: nothing can finish the message forward.
  CAF_CHECK_EQUAL(backend.commits.count(msg.id), 0u);
  CAF_CHECK_EQUAL(backend.statuses_of("t1"), std::vector<delivery_status>{delivery_status::failed});
}

CAF_TEST(an abort that keeps failing marks the message compensating) {
  auto msg = message();
  backend.then("finalize", {fake_reply::fail});
  backend.repeat("abort", fake_reply::fail, 3);
  start(msg);
  run_all();
  CAF_CHECK_EQUAL(backend.count("abort"), 3u);
  CAF_CHECK_EQUAL(backend.count("delete"), 0u);
  // Once before the abort (recovery must not finish it forward), once for the dead letter.
  CAF_CHECK_EQUAL(backend.count("mark"), 2u);
  CAF_CHECK_EQUAL(backend.messages[msg.id].state, message_state::compensating);
  CAF_CHECK_EQUAL(backend.dead_letters.size(), 1u);
  CAF_CHECK_EQUAL(outcome().state, saga_state::failed);
  CAF_CHECK_EQUAL(backend.statuses_of("t1"), std::vector<delivery_status>{delivery_status::failed});
}

CAF_TEST(without any durable decision the sender is told nothing final) {
  auto msg = message();
  backend.then("finalize", {fake_reply::fail});
  backend.repeat("abort", fake_reply::fail, 3);
  backend.repeat("mark", fake_reply::fail, 2);
  backend.then("dead", {fake_reply::fail});
  start(msg);
  run_all();
  CAF_CHECK(backend.statuses_of("t1").empty());
  CAF_CHECK_EQUAL(outcome().state, saga_state::failed);
  CAF_CHECK(!outcome().decided);
}

CAF_TEST(every compensation wait has a timeout) {
  // Both compensation steps hang on every attempt: the saga still ends, bounded by its
  // step timeouts and backoffs, and leaves a dead letter.
  auto msg = message();
  backend.then("finalize", {fake_reply::hang});
  backend.repeat("abort", fake_reply::hang, 3);
  backend.repeat("mark", fake_reply::hang, 2);
  backend.then("dead", {fake_reply::hang});
  auto started = sched.clock().now();
  start(msg);
  run_all();
  CAF_CHECK_EQUAL(backend.count("abort"), 3u);
  CAF_CHECK_EQUAL(backend.count("mark"), 2u);
  CAF_CHECK_EQUAL(backend.count("dead"), 1u);
  CAF_CHECK_EQUAL(outcome().state, saga_state::failed);
  CAF_CHECK(!outcome().decided);
  // The waits add up to no more than the bound recovery relies on.
  auto elapsed = sched.clock().now() - started;
  CAF_CHECK_GREATER(elapsed, settings.step_timeout * 5);
  CAF_CHECK_LESS_OR_EQUAL(elapsed, max_saga_lifetime(settings));
}

CAF_TEST(a gone room is bypassed : the abort goes to the rooms store) {
  auto msg = message();
  backend.then("finalize", {fake_reply::fail});
  caf::anon_send_exit(room, caf::exit_reason::user_shutdown);
  start(msg);
  run_all();
  // The commit request bounced off the dead room; the compensation found the store.
  CAF_CHECK_EQUAL(backend.count("resolve:abort"), 1u);
  CAF_CHECK_EQUAL(backend.count("delete"), 1u);
  CAF_CHECK(backend.outcomes.empty()); // the room is gone
  CAF_CHECK_EQUAL(backend.statuses_of("t1"), std::vector<delivery_status>{delivery_status::failed});
}

CAF_TEST(a duplicate of a saved message reports the stored one) {
  auto msg = message(5);
  backend.existing = message(3);
  backend.existing.temp_id = msg.temp_id;
  backend.existing.state = message_state::committed;
  backend.then("insert", {fake_reply::duplicate});
  start(msg);
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert"}));
  CAF_REQUIRE_EQUAL(backend.statuses.size(), 1u);
  CAF_CHECK_EQUAL(backend.statuses.front().status, delivery_status::saved);
  CAF_CHECK_EQUAL(backend.statuses.front().persisted_id, backend.existing.id);
  CAF_CHECK_EQUAL(backend.statuses.front().seq, 3);
  CAF_CHECK(outcome().duplicate);
  CAF_CHECK_EQUAL(outcome().seq, 5);
  CAF_CHECK(!outcome().committed);
}

CAF_TEST(the stored message of the same tempId in another room is never answered SAVED) {
  auto msg = message(5);
  backend.existing = message(3);
  backend.existing.temp_id = msg.temp_id;
  backend.existing.room_id = 8;
  backend.existing.state = message_state::committed;
  backend.then("insert", {fake_reply::duplicate});
  start(msg);
  CAF_CHECK_EQUAL(backend.call_names(), (names{"insert"}));
  CAF_REQUIRE_EQUAL(backend.statuses.size(), 1u);
  CAF_CHECK_EQUAL(backend.statuses.front().status, delivery_status::failed);
  CAF_CHECK_EQUAL(backend.statuses.front().error_code, "TEMP_ID_REUSED");
  CAF_CHECK(!outcome().committed);
}

CAF_TEST(the same tempId with other content is never answered SAVED) {
  auto msg = message(5);
  backend.existing = message(3);
  backend.existing.temp_id = msg.temp_id;
  backend.existing.content = "something else";
  backend.existing.state = message_state::committed;
  backend.then("insert", {fake_reply::duplicate});
  start(msg);
  CAF_REQUIRE_EQUAL(backend.statuses.size(), 1u);
  CAF_CHECK_EQUAL(backend.statuses.front().error_code, "TEMP_ID_REUSED");
}

CAF_TEST(the protocol : insert then room commit then finalize then SAVED and the outcome) {
  auto msg = message();
  sched.run(); // the fakes are up
  auto saga = sys.spawn(message_saga, msg, sink, saga_deps{messages, commits, room}, settings);
  sched.run_once(); // the saga starts
  expect((insert_atom, chat_message), from(saga).to(messages).with(_, msg));
  expect((insert_outcome), from(messages).to(saga));
  expect((commit_atom, chat_message), from(saga).to(room).with(_, msg));
  expect((int64_t), from(room).to(saga));
  expect((finalize_atom, std::string, int64_t), from(saga).to(messages).with(_, msg.id, _));
  expect((bool), from(messages).to(saga).with(true));
  expect((status_event), from(saga).to(sink));
  expect((resolved_atom, saga_outcome), from(saga).to(room));
}

CAF_TEST(the protocol of a failed room commit : the stored message is deleted) {
  auto msg = message();
  backend.then("commit", {fake_reply::fail});
  sched.run(); // the fakes are up
  auto saga = sys.spawn(message_saga, msg, sink, saga_deps{messages, commits, room}, settings);
  sched.run_once(); // the saga starts
  expect((insert_atom, chat_message), from(saga).to(messages).with(_, msg));
  expect((insert_outcome), from(messages).to(saga));
  expect((commit_atom, chat_message), from(saga).to(room).with(_, msg));
  expect((caf::error), from(room).to(saga));
  expect((delete_atom, std::string), from(saga).to(messages).with(_, msg.id));
  expect((bool), from(messages).to(saga).with(true));
  expect((status_event), from(saga).to(sink));
  expect((resolved_atom, saga_outcome), from(saga).to(room));
  CAF_CHECK_EQUAL(backend.messages.count(msg.id), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
