#include "gateway/rest/routes.hpp"

#include "gateway/rest/common.hpp"

#include "protocol/metrics.hpp"
#include "protocol/types/cluster.hpp"
#include "protocol/types/outbox.hpp"

namespace chat::rest {

namespace {

/// GET /api/v1/cluster: the members as this node sees them, and how many rooms each hosts
/// (operational, like /metrics: no token).
void cluster_view(ctx_ptr ctx, http_request, route_params, http_responder respond) {
  if (!ctx->cluster) {
    respond(chat::error_response(chat_errc::unavailable, "no cluster directory"));
    return;
  }
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->cluster,
      [ctx, respond](std::vector<member_view>& members) {
        json list = json::array();
        for (auto& m : members)
          list.push_back(json{{"id", m.node.id},
                              {"host", m.node.host},
                              {"httpPort", m.node.http_port},
                              {"clusterPort", m.node.cluster_port},
                              {"state", m.state},
                              {"rooms", m.rooms},
                              {"heartbeatAgeMs", m.heartbeat_age_ms}});
        respond(json_answer(200, (json{{"node", ctx->node_id}, {"members", list}})));
      },
      cluster_atom::value);
  });
}

constexpr auto health_timeout = std::chrono::seconds(3);

/// GET /healthz: 200 when both databases answer, 503 otherwise.
void health(const ctx_ptr& ctx, http_responder respond) {
  in_actor(*ctx->sys, [ctx, respond](self_ptr self) {
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
    self->request(ctx->messages, health_timeout, ping_atom::value)
      .then(
        [self, ctx, answer](bool) {
          self->request(ctx->commits, health_timeout, ping_atom::value)
            .then([answer](bool) { answer({}); },
                  [answer](caf::error& err) { answer("rooms store: " + describe(err)); });
        },
        [answer](caf::error& err) { answer("messages store: " + describe(err)); });
  });
}

/// GET /metrics: Prometheus text format.
void prometheus(const ctx_ptr& ctx, http_responder respond) {
  in_actor(*ctx->sys, [ctx, respond](self_ptr self) {
    auto render = [respond] {
      http_response response;
      response.content_type = "text/plain; version=0.0.4";
      response.body = metrics::instance().render_prometheus();
      respond(std::move(response));
    };
    self->request(ctx->commits, health_timeout, backlog_atom::value)
      .then(
        [render](const outbox_stats& stats) {
          metrics::instance().outbox_backlog = stats.backlog;
          render();
        },
        [render](caf::error&) { render(); });
  });
}

} // namespace

void add_ops_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("GET", "/healthz",
             [ctx](http_request, route_params, http_responder respond) { health(ctx, respond); });
  routes.add("GET", "/metrics", [ctx](http_request, route_params, http_responder respond) {
    prometheus(ctx, respond);
  });
  routes.add("GET", "/api/v1/cluster", route_to(ctx, cluster_view));
}

} // namespace chat::rest
