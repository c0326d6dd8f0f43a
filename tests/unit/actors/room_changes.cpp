#define CAF_SUITE room_changes

#include "tests/unit/actors/room_fixture.hpp"

#include "protocol/types/change.hpp"

using namespace chat;
using namespace chat::test;

namespace {

struct changes_fixture : room_fixture {
  /// The id the store gave the message of `temp_id` (SAVED).
  std::string saved_id(const std::string& temp_id) {
    for (auto& event : backend.statuses)
      if (event.temp_id == temp_id && event.status == delivery_status::saved)
        return event.persisted_id;
    CAF_FAIL("no SAVED status for " << temp_id);
    return {};
  }

  message_change reaction(const std::string& message_id, int64_t user = 43) {
    return message_change{change_kind::react, message_id, user, "+1", 1};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(room_changes_tests, changes_fixture)

CAF_TEST(a change waiting behind a commit rides with the next commit) {
  auto hdl = spawn_room();
  send(hdl, draft("a"));
  sched.run();
  auto a = saved_id("a");
  backend.then("commit", {fake_reply::hold});
  send(hdl, draft("b"));
  sched.run();
  CAF_REQUIRE_EQUAL(backend.calls.back(), "commit:2");
  // While the store holds b's commit, a reaction and another message wait at the room.
  auto pending = self->request(hdl, caf::infinite, change_atom::value, reaction(a));
  send(hdl, draft("c"));
  sched.run();
  backend.release();
  sched.run();
  // One store request for both, never a change request of its own.
  CAF_CHECK_EQUAL(backend.count("commit:3+change:1"), 1u);
  CAF_CHECK_EQUAL(backend.count("change:"), 0u);
  change_outcome outcome;
  pending.receive([&](change_outcome& x) { outcome = std::move(x); },
                  [&](caf::error& err) { CAF_FAIL(sys.render(err)); });
  CAF_CHECK_EQUAL(outcome.kind, change_kind::react);
  CAF_CHECK_GREATER(outcome.version, 0);
  CAF_CHECK_EQUAL(backend.statuses_of("c"), statuses{delivery_status::saved});
  // The messages store applied the change before the requester heard of it.
  CAF_CHECK_EQUAL(backend.count("apply:1"), 1u);
}

CAF_TEST(a change with no message waiting goes to the store alone) {
  auto hdl = spawn_room();
  send(hdl, draft("a"));
  sched.run();
  auto a = saved_id("a");
  auto outcome = ask<change_outcome>(hdl, change_atom::value, reaction(a));
  CAF_CHECK_GREATER(outcome.version, 0);
  CAF_CHECK_EQUAL(backend.count("change:1"), 1u);
}

CAF_TEST(a failed commit fails the changes that rode with it) {
  auto hdl = spawn_room();
  send(hdl, draft("a"));
  sched.run();
  auto a = saved_id("a");
  backend.then("commit", {fake_reply::hold, fake_reply::fail});
  send(hdl, draft("b"));
  sched.run();
  auto pending = self->request(hdl, caf::infinite, change_atom::value, reaction(a));
  send(hdl, draft("c"));
  sched.run();
  backend.release();
  sched.run();
  CAF_REQUIRE_EQUAL(backend.count("commit:3+change:1"), 1u);
  bool failed = false;
  pending.receive([&](change_outcome&) { CAF_FAIL("the change must fail with its commit"); },
                  [&](caf::error&) { failed = true; });
  CAF_CHECK(failed);
  CAF_CHECK_EQUAL(backend.count("apply:"), 0u);
}

CAF_TEST(a change of a message whose saga has not ended is refused at once) {
  auto hdl = spawn_room();
  backend.then("commit", {fake_reply::hold});
  send(hdl, draft("a"));
  sched.run();
  auto& st = state_of(hdl);
  CAF_REQUIRE_EQUAL(st.unsettled.size(), 1u);
  auto id = st.unsettled.begin()->first;
  auto pending = self->request(hdl, caf::infinite, change_atom::value, reaction(id));
  sched.run();
  pending.receive(
    [&](change_outcome&) { CAF_FAIL("a pending message cannot change"); },
    [&](caf::error& err) { CAF_CHECK_EQUAL(code_of(err), chat_errc::message_pending); });
  backend.release();
  sched.run();
}

CAF_TEST_FIXTURE_SCOPE_END()
