// The REST API of shared/api.md (under /api/v1), plus /healthz and /metrics.
#pragma once

#include <memory>

#include "gateway/gateway_context.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/rest/admin.hpp"

namespace chat {

class router;

/// The REST API, /healthz, /metrics and the admin endpoints.
http_handler make_rest_api(std::shared_ptr<gateway_context> ctx, admin_context admin = {});

/// The router behind make_rest_api (its routes are what the OpenAPI document must list).
std::shared_ptr<router> make_rest_router(std::shared_ptr<gateway_context> ctx,
                                         admin_context admin = {});

} // namespace chat
