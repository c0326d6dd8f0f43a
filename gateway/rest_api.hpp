// The REST API of shared/api.md (under /api/v1), plus /healthz and /metrics.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "cluster/node.hpp"
#include "gateway/http_types.hpp"

namespace chat {

struct rest_context {
  caf::actor_system* sys = nullptr;
  node_actors actors;
  std::string node_id;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

http_handler make_rest_api(std::shared_ptr<rest_context> ctx);

} // namespace chat
