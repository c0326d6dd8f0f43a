// What browsers get around the REST API: the web client and Swagger UI as static files, the
// Origin rules with CORS, and the security headers of every answer.
#pragma once

#include "gateway/http/http_types.hpp"

namespace chat {

class router;
struct web_settings;

/// Serves the web client's files and passes everything else to `api`, with the origin rules
/// and headers applied to both.
http_handler make_web_handler(const web_settings& settings, http_handler api);

/// GET /api/v1/openapi.json: the OpenAPI document of every REST endpoint.
void add_openapi_routes(router& routes);

/// The OpenAPI document (gateway/web/openapi.json, compiled in).
const std::string& openapi_document();

} // namespace chat
