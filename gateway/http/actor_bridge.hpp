// Lets network threads talk to actors without blocking: each call runs in a fresh
// event-based actor that lives until its requests are answered.
#pragma once

#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

namespace chat {

/// Runs `fn(self)` inside a new event-based actor.
template <class F> void in_actor(caf::actor_system& sys, F fn) {
  sys.spawn([fn = std::move(fn)](caf::event_based_actor* self) mutable { fn(self); });
}

} // namespace chat
