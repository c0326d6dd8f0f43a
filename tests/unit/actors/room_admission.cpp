#define CAF_SUITE room_admission

#include "tests/unit/actors/room_fixture.hpp"

using namespace chat;
using namespace chat::test;

namespace {

struct admission_fixture : room_fixture {
  std::shared_ptr<admission_gate> gate = std::make_shared<admission_gate>(2);

  room_actor spawn_gated_room() {
    auto hdl =
      sys.spawn(room, int64_t{7}, settings, room_deps{messages, commits, {}, {}, {}, gate});
    started.push_back(caf::actor_cast<caf::actor>(hdl));
    sched.run();
    return hdl;
  }
};

} // namespace

CAF_TEST(places go back when taken and when their holder goes) {
  auto gate = std::make_shared<admission_gate>(2);
  {
    admission_places places;
    places.use(gate);
    CAF_CHECK(places.take());
    CAF_CHECK(places.take());
    CAF_CHECK(!places.take());
    CAF_CHECK_EQUAL(gate->in_flight(), 2u);
    places.give_back();
    CAF_CHECK_EQUAL(gate->in_flight(), 1u);
    CAF_CHECK(places.take());
  }
  // A room that stops with sagas running gives their places back.
  CAF_CHECK_EQUAL(gate->in_flight(), 0u);
  // One bound for all the rooms of a node.
  admission_places first, second;
  first.use(gate);
  second.use(gate);
  CAF_CHECK(first.take());
  CAF_CHECK(first.take());
  CAF_CHECK(!second.take());
  first.give_back();
  CAF_CHECK(second.take());
  CAF_CHECK_EQUAL(second.held(), 1u);
  admission_gate unbounded{0};
  for (int i = 0; i < 10000; ++i)
    CAF_CHECK(unbounded.enter());
}

CAF_TEST_FIXTURE_SCOPE(room_admission_tests, admission_fixture)

CAF_TEST(a send over the node bound is FAILED OVERLOADED at once and stores nothing) {
  auto hdl = spawn_gated_room();
  subscribe(hdl);
  backend.then("insert", {fake_reply::hold, fake_reply::hold});
  CAF_CHECK_EQUAL(send(hdl, draft("a")).status, delivery_status::processing);
  CAF_CHECK_EQUAL(send(hdl, draft("b")).status, delivery_status::processing);
  auto over = send(hdl, draft("c"));
  CAF_CHECK_EQUAL(over.status, delivery_status::failed);
  CAF_CHECK_EQUAL(over.error_code, "OVERLOADED");
  // No seq was taken: the next admitted message follows b directly.
  CAF_CHECK_EQUAL(over.seq, 0);
  // A retry of an admitted message needs no place: it is answered as before.
  auto retry = send(hdl, draft("a"));
  CAF_CHECK_EQUAL(retry.status, delivery_status::processing);
  CAF_CHECK_EQUAL(retry.seq, 1);
  backend.release();
  sched.run();
  CAF_CHECK_EQUAL(backend.count("insert"), 2u);
  CAF_CHECK_EQUAL(gate->in_flight(), 0u);
  // Places came back with the sagas' ends: c sent again is admitted at the next seq.
  auto again = send(hdl, draft("c"));
  CAF_CHECK_EQUAL(again.status, delivery_status::processing);
  CAF_CHECK_EQUAL(again.seq, 3);
  sched.run();
  CAF_CHECK_EQUAL(backend.statuses_of("c"), statuses{delivery_status::saved});
  CAF_CHECK_EQUAL(broadcast_seqs(), (std::vector<int64_t>{1, 2, 3}));
}

CAF_TEST(failed and dead sagas give their places back) {
  auto hdl = spawn_gated_room();
  backend.then("insert", {fake_reply::fail, fake_reply::fail});
  send(hdl, draft("a"));
  send(hdl, draft("b"));
  sched.run();
  CAF_CHECK_EQUAL(backend.statuses_of("a"), statuses{delivery_status::failed});
  CAF_CHECK_EQUAL(gate->in_flight(), 0u);
  CAF_CHECK_EQUAL(send(hdl, draft("c")).status, delivery_status::processing);
  CAF_CHECK_EQUAL(send(hdl, draft("d")).status, delivery_status::processing);
  sched.run();
  CAF_CHECK_EQUAL(gate->in_flight(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
