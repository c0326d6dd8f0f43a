// The configuration of a node (config/chatd.ini, CAF's INI format, overridable on the command
// line as --section.key=value). Each component's settings struct holds its defaults and
// declares its options and checks; this class only aggregates them and checks what spans
// components.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>

#include "cluster/node.hpp"
#include "gateway/gateway_context.hpp"
#include "gateway/http/http_server.hpp"
#include "gateway/sockjs/sockjs_settings.hpp"
#include "gateway/web/web_settings.hpp"

namespace chat {

struct node_config : caf::actor_system_config {
  /// [node] id and the components' sections: [db], [kafka], [room], [saga], [outbox],
  /// [recovery], [fanout], [cluster].
  node_settings settings;
  /// [node] data-dir: runtime files (e.g. the Kafka bootstrap file).
  std::string data_dir = "var";
  http_settings http;
  web_settings web;
  sockjs_settings sockjs;
  gateway_settings gateway;
  auth_settings auth;
  /// [faults]
  bool faults_enabled = false;
  /// Fault point name -> spec armed at start-up ("" = disarmed).
  std::map<std::string, std::string> fault_specs;
  /// [log]
  std::string log_level = "info";

  explicit node_config(const char* program);

  /// Parses the command line and the INI file (--config-file=..., default
  /// config/chatd.ini). Returns "" or one line that says what is wrong: an unknown option, a
  /// value of the wrong type, a value out of range.
  std::string read(int argc, char** argv);

  /// The node's settings with what one component takes from another filled in.
  node_settings node() const;

  /// Arms the fault points of the [faults] section (when enabled).
  void arm_faults() const;

  /// The embedded Kafka is used when no brokers are configured.
  bool embedded_kafka() const { return settings.kafka.brokers.empty(); }

  const std::string& node_id() const { return settings.node_id; }

  /// Every option as "section.key" -> its current value in CAF's text form.
  std::map<std::string, std::string> option_values() const;

private:
  std::string check_explicit_values() const;
  std::string check_ranges() const;
};

} // namespace chat
