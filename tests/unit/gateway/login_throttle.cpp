#define CAF_SUITE login_throttle

#include "gateway/auth/login_throttle.hpp"

#include <caf/test/unit_test.hpp>

using namespace chat;
using namespace std::chrono_literals;

namespace {

struct fixture {
  fixture() : throttle(login_throttle_settings{{0.1, 3}, {1.0, 5}}) {}

  login_throttle throttle;
  login_throttle::clock::time_point t0 = login_throttle::clock::now();
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(login_throttle_tests, fixture)

CAF_TEST(failures of one name use up its bucket and it refills) {
  for (int i = 0; i < 3; ++i) {
    CAF_CHECK_EQUAL(throttle.wait("alice", "10.0.0.1", t0), 0);
    throttle.failed("alice", "10.0.0.1", t0);
  }
  CAF_CHECK_EQUAL(throttle.wait("alice", "10.0.0.1", t0), 10);
  CAF_CHECK_EQUAL(throttle.wait("alice", "10.0.0.2", t0), 10); // any address
  CAF_CHECK_EQUAL(throttle.wait("bob", "10.0.0.1", t0), 0);
  CAF_CHECK_EQUAL(throttle.wait("alice", "10.0.0.1", t0 + 4s), 6);
  CAF_CHECK_EQUAL(throttle.wait("alice", "10.0.0.1", t0 + 10s), 0);
}

CAF_TEST(failures from one address throttle every name tried from it) {
  for (int i = 0; i < 5; ++i)
    throttle.failed("user" + std::to_string(i), "10.0.0.9", t0);
  CAF_CHECK_EQUAL(throttle.wait("someone", "10.0.0.9", t0), 1);
  CAF_CHECK_EQUAL(throttle.wait("someone", "10.0.0.8", t0), 0);
  CAF_CHECK_EQUAL(throttle.wait("someone", "10.0.0.9", t0 + 1s), 0);
}

CAF_TEST(asking does not count as a failure) {
  for (int i = 0; i < 100; ++i)
    CAF_CHECK_EQUAL(throttle.wait("alice", "10.0.0.1", t0), 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
