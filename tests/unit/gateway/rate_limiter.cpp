#define CAF_SUITE rate_limiter

#include "gateway/auth/rate_limiter.hpp"

#include <caf/test/unit_test.hpp>

using namespace chat;
using namespace std::chrono;

CAF_TEST(a bucket allows its burst then refills at the rate) {
  rate_limiter limiter{rate_limit_settings{2.0, 3.0}};
  auto t0 = steady_clock::time_point{} + hours(1);
  CAF_CHECK(limiter.allow(1, t0));
  CAF_CHECK(limiter.allow(1, t0));
  CAF_CHECK(limiter.allow(1, t0));
  CAF_CHECK(!limiter.allow(1, t0));
  // Another user has a bucket of its own.
  CAF_CHECK(limiter.allow(2, t0));
  // Two tokens per second.
  CAF_CHECK(!limiter.allow(1, t0 + milliseconds(400)));
  CAF_CHECK(limiter.allow(1, t0 + milliseconds(600)));
  CAF_CHECK(!limiter.allow(1, t0 + milliseconds(700)));
  // Never more than the burst, however long the pause.
  auto later = t0 + hours(1);
  for (int i = 0; i < 3; ++i)
    CAF_CHECK(limiter.allow(1, later));
  CAF_CHECK(!limiter.allow(1, later));
}
