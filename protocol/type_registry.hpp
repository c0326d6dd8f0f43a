// Registration of every message type that may cross nodes, under the same name on each node.
#pragma once

#include <caf/fwd.hpp>

namespace chat {

/// Registers the chat message types and the "chat" error category with `cfg`. Every program
/// (and test fixture) calls this before creating its actor system.
void register_types(caf::actor_system_config& cfg);

} // namespace chat
