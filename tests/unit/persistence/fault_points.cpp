#define CAF_SUITE fault_points

#include "persistence/faults/fault_points.hpp"

#include <caf/test/unit_test.hpp>

#include "persistence/db/store_error.hpp"

using namespace chat;

CAF_TEST(fault specs parse) {
  std::string error;
  auto fail = parse_fault_spec("fail", error);
  CAF_REQUIRE(fail);
  CAF_CHECK(fail->action == fault_action::fail);
  CAF_CHECK_EQUAL(fail->remaining, -1);
  auto counted = parse_fault_spec("crash*3", error);
  CAF_REQUIRE(counted);
  CAF_CHECK(counted->action == fault_action::crash);
  CAF_CHECK_EQUAL(counted->remaining, 3);
  auto delayed = parse_fault_spec("delay=250ms@0.5", error);
  CAF_REQUIRE(delayed);
  CAF_CHECK_EQUAL(delayed->duration.count(), 250);
  CAF_CHECK_EQUAL(delayed->probability, 0.5);
  auto hang = parse_fault_spec("hang=2s*1", error);
  CAF_REQUIRE(hang);
  CAF_CHECK_EQUAL(hang->duration.count(), 2000);
  CAF_CHECK_EQUAL(to_string(*hang), "hang=2000ms*1");
  for (auto bad : {"explode", "fail*0", "fail*x", "fail@2", "delay=10", "delay=-5ms", ""})
    CAF_CHECK(!parse_fault_spec(bad, error));
}

CAF_TEST(an armed point fires the given number of times) {
  auto& registry = fault_registry::instance();
  registry.disarm_all();
  registry.hit(fault_point::message_insert); // disarmed: nothing happens
  registry.arm(fault_point::message_insert, fault_spec{fault_action::fail, {}, 2, 1.0});
  int failures = 0;
  for (int i = 0; i < 5; ++i) {
    try {
      registry.hit(fault_point::message_insert);
    } catch (const store_error& e) {
      CAF_CHECK(e.code() == chat_errc::fault_injected);
      ++failures;
    }
  }
  CAF_CHECK_EQUAL(failures, 2);
  auto stats = registry.stats();
  CAF_CHECK_EQUAL(stats[fault_point::message_insert].fired, 2);
  CAF_CHECK_EQUAL(stats[fault_point::message_insert].spec, "");
  registry.arm(fault_point::room_commit, fault_spec{fault_action::crash, {}, -1, 1.0});
  bool crashed = false;
  try {
    registry.hit(fault_point::room_commit);
  } catch (const worker_crash&) {
    crashed = true;
  }
  CAF_CHECK(crashed);
  registry.disarm_all();
  registry.hit(fault_point::room_commit);
}
