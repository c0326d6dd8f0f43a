// A real (multi-threaded) actor system for integration tests, with blocking helpers.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/test/unit_test.hpp>

#include "protocol/errors.hpp"
#include "protocol/type_registry.hpp"

namespace chat::test {

struct system_config : caf::actor_system_config {
  system_config() {
    register_types(*this);
    set("scheduler.max-threads", size_t{2});
    set("logger.verbosity", caf::atom("quiet"));
  }
};

struct system_fixture {
  system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};

  /// A blocking request; fails the test on error or after `timeout`.
  template <class T, class Handle, class... Ts> T call(const Handle& hdl, Ts&&... xs) {
    T result{};
    self->request(hdl, std::chrono::seconds(30), std::forward<Ts>(xs)...)
        .receive([&](T& x) { result = std::move(x); },
                 [&](caf::error& err) { CAF_FAIL("request failed: " << describe(err)); });
    return result;
  }

  /// A blocking request that must fail (its reply would be a T); returns its error.
  template <class T, class Handle, class... Ts>
  caf::error call_error(const Handle& hdl, Ts&&... xs) {
    caf::error result;
    self->request(hdl, std::chrono::seconds(30), std::forward<Ts>(xs)...)
        .receive([&](T&) { CAF_FAIL("request succeeded but should have failed"); },
                 [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Polls `condition` every 20 ms until it holds or `timeout` passes.
  static bool eventually(const std::function<bool()>& condition,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
  }

  /// Stops actors spawned by a test before the system goes down.
  template <class... Handles> void stop(const Handles&... hdls) {
    (caf::anon_send_exit(hdls, caf::exit_reason::user_shutdown), ...);
  }
};

} // namespace chat::test
