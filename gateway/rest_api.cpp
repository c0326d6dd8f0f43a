#include "gateway/rest_api.hpp"

#include <memory>

#include <nlohmann/json.hpp>

#include "gateway/actor_bridge.hpp"
#include "gateway/router.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"

namespace chat {

using json = nlohmann::json;

namespace {

constexpr auto health_timeout = std::chrono::seconds(3);

/// GET /healthz: 200 when both databases answer, 503 otherwise.
void health(const std::shared_ptr<rest_context>& ctx, http_responder respond) {
  in_actor(*ctx->sys, [ctx, respond](caf::event_based_actor* self) {
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::steady_clock::now() - ctx->started)
                    .count();
    auto answer = [ctx, respond, uptime](std::string failing) {
      json body{{"status", failing.empty() ? "ok" : "unavailable"},
                {"node", ctx->node_id},
                {"uptimeSeconds", uptime},
                {"activeRooms", metrics::instance().rooms_active.load()},
                {"connections", metrics::instance().connections_open.load()}};
      if (!failing.empty())
        body["failing"] = failing;
      respond(json_response(failing.empty() ? 200 : 503, body.dump()));
    };
    self->request(ctx->actors.messages, health_timeout, ping_atom::value)
      .then(
        [self, ctx, answer](bool) {
          self->request(ctx->actors.rooms, health_timeout, ping_atom::value)
            .then([answer](bool) { answer({}); },
                  [answer](caf::error& err) { answer("rooms store: " + describe(err)); });
        },
        [answer](caf::error& err) { answer("messages store: " + describe(err)); });
  });
}

/// GET /metrics: Prometheus text format.
void prometheus(const std::shared_ptr<rest_context>& ctx, http_responder respond) {
  in_actor(*ctx->sys, [ctx, respond](caf::event_based_actor* self) {
    auto render = [respond] {
      http_response response;
      response.content_type = "text/plain; version=0.0.4";
      response.body = metrics::instance().render_prometheus();
      respond(std::move(response));
    };
    self->request(ctx->actors.rooms, health_timeout, stats_atom::value)
      .then(
        [render](const outbox_stats& stats) {
          metrics::instance().outbox_backlog = stats.backlog;
          render();
        },
        [render](caf::error&) { render(); });
  });
}

} // namespace

http_handler make_rest_api(std::shared_ptr<rest_context> ctx) {
  auto routes = std::make_shared<router>();
  routes->add("GET", "/healthz",
              [ctx](http_request, route_params, http_responder respond) { health(ctx, respond); });
  routes->add("GET", "/metrics", [ctx](http_request, route_params, http_responder respond) {
    prometheus(ctx, respond);
  });
  return [routes](http_request request, http_responder respond) {
    routes->dispatch(std::move(request), std::move(respond));
  };
}

} // namespace chat
