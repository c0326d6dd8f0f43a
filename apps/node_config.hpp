// The configuration of a node (config/chatd.ini, CAF's INI format, overridable on the command
// line as --section.key=value) and its translation into the components' settings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>

#include "cluster/node.hpp"
#include "gateway/gateway_context.hpp"
#include "gateway/http_server.hpp"

namespace chat {

struct node_config : caf::actor_system_config {
  // [node]
  std::string node_id = "node-1";
  std::string data_dir = "var";
  // [cluster]
  uint16_t cluster_port = 0;
  std::string cluster_host = "127.0.0.1";
  std::vector<std::string> cluster_seeds;
  caf::timespan cluster_heartbeat = std::chrono::milliseconds(500);
  caf::timespan cluster_lease = std::chrono::seconds(5);
  caf::timespan cluster_handoff_timeout = std::chrono::seconds(5);
  // [http]
  std::string http_address = "127.0.0.1";
  uint16_t http_port = 8100;
  size_t http_threads = 2;
  size_t http_max_body_bytes = 64 * 1024;
  // [db]
  std::string messages_dsn = "host=127.0.0.1 port=5433 user=shoot dbname=shoot_messages";
  std::string rooms_dsn = "host=127.0.0.1 port=5433 user=shoot dbname=shoot_rooms";
  std::string streamer_dsn;
  bool create_databases = true;
  size_t db_pool_size = 2;
  size_t db_max_batch = 512;
  caf::timespan db_lock_timeout = std::chrono::seconds(2);
  caf::timespan db_idle_transaction_timeout = std::chrono::seconds(10);
  // [kafka]
  std::string kafka_brokers;
  std::string kafka_topic = "chat.events";
  size_t kafka_partitions = 8;
  size_t kafka_mock_brokers = 1;
  caf::timespan kafka_delivery_timeout = std::chrono::seconds(10);
  caf::timespan kafka_linger = std::chrono::milliseconds(2);
  // [saga]
  caf::timespan saga_step_timeout = std::chrono::seconds(5);
  size_t saga_compensation_attempts = 5;
  caf::timespan saga_compensation_backoff = std::chrono::milliseconds(100);
  // [room]
  caf::timespan room_idle_timeout = std::chrono::minutes(5);
  size_t room_dedupe_window = 1024;
  size_t room_max_commit_batch = 256;
  // [outbox]
  size_t outbox_batch = 1000;
  caf::timespan outbox_poll_interval = std::chrono::seconds(1);
  size_t outbox_max_attempts = 10;
  caf::timespan outbox_retry_backoff = std::chrono::milliseconds(200);
  // [recovery]
  caf::timespan recovery_pending_age = std::chrono::seconds(60);
  caf::timespan recovery_interval = std::chrono::seconds(10);
  size_t recovery_batch = 200;
  // [auth]
  caf::timespan auth_access_ttl = std::chrono::hours(1);
  caf::timespan auth_refresh_ttl = std::chrono::hours(14 * 24);
  size_t auth_hash_workers = 2;
  // [gateway]
  size_t gateway_max_frame_bytes = 64 * 1024;
  size_t gateway_max_content_bytes = 8 * 1024;
  size_t gateway_max_outbound_frames = 1024;
  caf::timespan gateway_heartbeat = std::chrono::seconds(10);
  caf::timespan gateway_connect_timeout = std::chrono::seconds(10);
  caf::timespan gateway_request_timeout = std::chrono::seconds(10);
  double gateway_send_rate = 20;
  double gateway_send_burst = 40;
  // [faults]
  bool faults_enabled = false;
  /// Fault point name -> spec armed at start-up ("" = disarmed).
  std::map<std::string, std::string> fault_specs;
  // [log]
  std::string log_level = "info";

  explicit node_config(const char* program);

  /// Parses the command line and the INI file (--config-file=..., default
  /// config/chatd.ini). Returns "" or one line that says what is wrong: an unknown option, a
  /// value of the wrong type, a value out of range.
  std::string read(int argc, char** argv);

  node_settings node() const;

  /// A store DSN with the [db] session limits (lock and idle-transaction timeouts) added.
  std::string session_dsn(const std::string& dsn) const;
  http_settings http() const;
  gateway_settings gateway() const;

  /// Arms the fault points of the [faults] section (when enabled).
  void arm_faults() const;

  /// The embedded Kafka is used when no brokers are configured.
  bool embedded_kafka() const { return kafka_brokers.empty(); }

private:
  std::string check_explicit_values() const;
  std::string check_ranges() const;
};

} // namespace chat
