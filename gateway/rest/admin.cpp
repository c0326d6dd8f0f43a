#include "gateway/rest/admin.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "persistence/faults/fault_points.hpp"
#include "persistence/kafka/embedded_kafka.hpp"
#include "protocol/errors.hpp"

namespace chat {

using json = nlohmann::json;

namespace {

http_response faults_json() {
  json points = json::object();
  for (auto& [name, stats] : fault_registry::instance().stats())
    points[name] = json{{"armed", stats.spec}, {"hits", stats.hits}, {"fired", stats.fired}};
  return json_response(200, points.dump());
}

bool known_point(const std::string& name) {
  auto& names = fault_point_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// POST /admin/kafka {"brokersDown": [ids]} | {"brokersUp": [ids]} | {"failProduces": n}.
void kafka_control(embedded_kafka* kafka, const http_request& req, const http_responder& respond) {
  if (kafka == nullptr) {
    respond(error_response(chat_errc::conflict, "no embedded Kafka in this process"));
    return;
  }
  auto body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    respond(error_response(chat_errc::invalid_input, "the body must be a JSON object"));
    return;
  }
  try {
    for (auto* key : {"brokersDown", "brokersUp"})
      if (auto i = body.find(key); i != body.end())
        for (auto& id : *i)
          kafka->set_broker_down(id.get<int32_t>(), std::string{key} == "brokersDown");
    if (auto i = body.find("failProduces"); i != body.end())
      kafka->fail_next_produces(i->get<int>());
  } catch (const json::exception& e) {
    respond(error_response(chat_errc::invalid_input, e.what()));
    return;
  }
  respond(json_response(200, json{{"bootstrap", kafka->bootstrap()}}.dump()));
}

} // namespace

void add_admin_routes(router& routes, admin_context admin) {
  auto refuse = [](const http_responder& respond) {
    respond(error_response(chat_errc::faults_disabled,
                           "fault injection is disabled (start chatd with --faults.enabled)"));
  };
  routes.add("GET", "/admin/faults",
             [admin, refuse](http_request, route_params, http_responder respond) {
               if (!admin.faults_enabled)
                 return refuse(respond);
               respond(faults_json());
             });
  // POST {"point": "message.insert", "spec": "fail@0.2"} arms a fault point.
  routes.add("POST", "/admin/faults",
             [admin, refuse](http_request req, route_params, http_responder respond) {
               if (!admin.faults_enabled)
                 return refuse(respond);
               auto body = json::parse(req.body, nullptr, false);
               if (body.is_discarded() || !body.is_object() ||
                   !body.value("point", json()).is_string() ||
                   !body.value("spec", json()).is_string()) {
                 respond(error_response(chat_errc::invalid_input, "arming needs {point, spec}"));
                 return;
               }
               auto point = body["point"].get<std::string>();
               if (!known_point(point)) {
                 respond(error_response(chat_errc::not_found, "no fault point " + point));
                 return;
               }
               std::string error;
               auto spec = parse_fault_spec(body["spec"].get<std::string>(), error);
               if (!spec) {
                 respond(error_response(chat_errc::invalid_input, error));
                 return;
               }
               fault_registry::instance().arm(point, *spec);
               respond(faults_json());
             });
  routes.add("DELETE", "/admin/faults",
             [admin, refuse](http_request, route_params, http_responder respond) {
               if (!admin.faults_enabled)
                 return refuse(respond);
               fault_registry::instance().disarm_all();
               respond(faults_json());
             });
  routes.add("DELETE", "/admin/faults/{point}",
             [admin, refuse](http_request, route_params params, http_responder respond) {
               if (!admin.faults_enabled)
                 return refuse(respond);
               fault_registry::instance().disarm(params["point"]);
               respond(faults_json());
             });
  routes.add("POST", "/admin/kafka",
             [admin, refuse](http_request req, route_params, http_responder respond) {
               if (!admin.faults_enabled)
                 return refuse(respond);
               kafka_control(admin.kafka, req, respond);
             });
}

void add_kafka_admin_routes(router& routes, embedded_kafka* kafka) {
  routes.add("POST", "/admin/kafka",
             [kafka](http_request req, route_params, http_responder respond) {
               kafka_control(kafka, req, respond);
             });
  routes.add("GET", "/bootstrap", [kafka](http_request, route_params, http_responder respond) {
    respond(json_response(200, json{{"bootstrap", kafka->bootstrap()}}.dump()));
  });
}

} // namespace chat
