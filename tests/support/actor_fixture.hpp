// The deterministic actor-system fixture of the unit tests (CAF's test coordinator).
#pragma once

// dsl.hpp of CAF 0.17.6 uses an undefined FAIL macro in request<T>().
#define FAIL CAF_FAIL

#include <caf/test/dsl.hpp>

#include "protocol/type_registry.hpp"

namespace chat::test {

struct test_config : caf::actor_system_config {
  test_config() { register_types(*this); }
};

struct actor_fixture : test_coordinator_fixture<test_config> {
  /// Runs every message and fires the pending timeouts one by one, in time order (the clock
  /// jumps to each), until nothing is left. Bounded, so that a re-arming timer fails the test
  /// instead of hanging it. Returns the steps taken.
  size_t run_all(size_t max_rounds = 10000) {
    size_t rounds = 0;
    while (rounds < max_rounds) {
      if (sched.run() == 0 && !sched.clock().trigger_timeout())
        return rounds;
      ++rounds;
    }
    CAF_FAIL("run_all did not settle after " << max_rounds << " rounds");
    return rounds;
  }
};

} // namespace chat::test
