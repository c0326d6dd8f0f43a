// Administration endpoints for fault-injection tests: they exist only when chatd runs with
// faults.enabled=true (answered with 403 otherwise).
#pragma once

#include <memory>

#include "gateway/gateway_context.hpp"
#include "gateway/http/router.hpp"

namespace chat {

class embedded_kafka;

struct admin_context {
  bool faults_enabled = false;
  /// The in-process Kafka mock, when chatd runs one (brokers and produce errors).
  embedded_kafka* kafka = nullptr;
};

/// GET/POST/DELETE /admin/faults[/{point}] and POST /admin/kafka.
void add_admin_routes(router& routes, admin_context admin);

/// The same Kafka controls for a standalone mock cluster (chat-kafka).
void add_kafka_admin_routes(router& routes, embedded_kafka* kafka);

} // namespace chat
