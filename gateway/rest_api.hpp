// The REST API of shared/api.md (under /api/v1), plus /healthz and /metrics.
#pragma once

#include <memory>

#include "gateway/gateway_context.hpp"
#include "gateway/http_types.hpp"

namespace chat {

http_handler make_rest_api(std::shared_ptr<gateway_context> ctx);

} // namespace chat
