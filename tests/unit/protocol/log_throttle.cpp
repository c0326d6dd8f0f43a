#define CAF_SUITE log_throttle

#include "protocol/log_throttle.hpp"

#include <caf/test/unit_test.hpp>

using namespace chat;

// Times are given to allow(), or the interval is an hour that no test run spans: nothing here
// depends on the clock.

CAF_TEST(one line per interval by default) {
  log_throttle throttle{std::chrono::hours(1)};
  CAF_CHECK(throttle.allow());
  CAF_CHECK_EQUAL(throttle.suppressed_note(), "");
  for (int i = 0; i < 5; ++i)
    CAF_CHECK(!throttle.allow());
}

CAF_TEST(a burst of lines per interval and nothing beyond it) {
  log_throttle throttle{std::chrono::hours(1), 20};
  int written = 0;
  for (int i = 0; i < 100; ++i)
    written += throttle.allow() ? 1 : 0;
  CAF_CHECK_EQUAL(written, 20);
}

CAF_TEST(the first line of an interval counts what was suppressed before it) {
  using namespace std::chrono_literals;
  log_throttle throttle{1s, 2};
  auto start = std::chrono::steady_clock::now();
  CAF_CHECK(throttle.allow(start));
  CAF_CHECK(throttle.allow(start + 100ms));
  CAF_CHECK(!throttle.allow(start + 200ms));
  CAF_CHECK(!throttle.allow(start + 999ms));
  CAF_CHECK(throttle.allow(start + 1s));
  CAF_CHECK_EQUAL(throttle.suppressed_note(), " (2 more since the last line)");
  // The second line of that interval has nothing to add.
  CAF_CHECK(throttle.allow(start + 1500ms));
  CAF_CHECK_EQUAL(throttle.suppressed_note(), "");
  CAF_CHECK(!throttle.allow(start + 1600ms));
}
