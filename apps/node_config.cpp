#include "apps/node_config.hpp"

#include <caf/config_option.hpp>
#include <caf/config_option_set.hpp>
#include <caf/config_value.hpp>
#include <caf/settings.hpp>

#include <algorithm>

#include "persistence/fault_points.hpp"
#include "protocol/type_registry.hpp"

namespace chat {

namespace {

std::string text(caf::string_view x) {
  return std::string{x.data(), x.size()};
}

} // namespace

node_config::node_config(const char* program) {
  register_types(*this);
  opt_group{custom_options_, "node"}
    .add(node_id, "id", "identity of this node (owner of the rooms it activates)")
    .add(data_dir, "data-dir", "folder for runtime files (e.g. the Kafka bootstrap file)");
  opt_group{custom_options_, "cluster"}
    .add(cluster_port, "port", "port of the node's published root (0: a single node)")
    .add(cluster_host, "host", "address the root listens on and peers reach it at")
    .add(cluster_seeds, "seeds", "roots to connect to at start-up, as \"host:port\"")
    .add(cluster_heartbeat, "heartbeat", "interval of membership heartbeats")
    .add(cluster_lease, "lease", "how long a heartbeat keeps a node in the membership table")
    .add(cluster_handoff_timeout, "handoff-timeout",
         "how long a room's new home waits for the old one to release it");
  opt_group{custom_options_, "http"}
    .add(http_address, "address", "IP address to listen on (loopback by default)")
    .add(http_port, "port", "HTTP and WebSocket port")
    .add(http_threads, "threads", "io_context threads of the HTTP/WebSocket server")
    .add(http_max_body_bytes, "max-body-bytes", "larger request bodies get 413");
  opt_group{custom_options_, "db"}
    .add(messages_dsn, "messages-dsn", "libpq connection string of the messages database")
    .add(rooms_dsn, "rooms-dsn", "libpq connection string of the rooms database")
    .add(streamer_dsn, "streamer-dsn",
         "chat-streamer's database, for mention notifications; empty: none")
    .add(create_databases, "create-databases", "create missing databases at start-up")
    .add(db_pool_size, "pool-size", "connections (detached workers) per store")
    .add(db_max_batch, "max-batch", "most writes of one kind per transaction")
    .add(db_lock_timeout, "lock-timeout", "a statement waiting this long for a lock fails")
    .add(db_idle_transaction_timeout, "idle-transaction-timeout",
         "PostgreSQL ends a transaction left idle this long (a stuck worker)");
  opt_group{custom_options_, "kafka"}
    .add(kafka_brokers, "brokers", "bootstrap servers; empty: the embedded mock cluster")
    .add(kafka_topic, "topic", "topic of the chat events")
    .add(kafka_partitions, "partitions", "partitions of the topic in the embedded cluster")
    .add(kafka_mock_brokers, "mock-brokers", "brokers of the embedded cluster")
    .add(kafka_delivery_timeout, "delivery-timeout", "a message without report fails after")
    .add(kafka_linger, "linger", "producer linger time");
  opt_group{custom_options_, "saga"}
    .add(saga_step_timeout, "step-timeout", "timeout of each saga step")
    .add(saga_compensation_attempts, "compensation-attempts",
         "attempts of a compensation step before the saga is dead-lettered")
    .add(saga_compensation_backoff, "compensation-backoff",
         "first retry delay of a compensation step (doubles)");
  opt_group{custom_options_, "room"}
    .add(room_idle_timeout, "idle-timeout", "an unused room passivates after")
    .add(room_dedupe_window, "dedupe-window", "recent (sender, tempId) pairs kept per room")
    .add(room_max_commit_batch, "max-commit-batch", "most messages per room commit");
  opt_group{custom_options_, "outbox"}
    .add(outbox_batch, "batch", "most events claimed and produced at once")
    .add(outbox_poll_interval, "poll-interval", "poll when no notification arrives")
    .add(outbox_max_attempts, "max-attempts", "failed attempts before dead letters")
    .add(outbox_retry_backoff, "retry-backoff", "first retry delay of an event (doubles)");
  opt_group{custom_options_, "recovery"}
    .add(recovery_pending_age, "pending-age", "unfinished messages older than this recover")
    .add(recovery_interval, "interval", "time between recovery sweeps")
    .add(recovery_batch, "batch", "most messages handled per sweep");
  opt_group{custom_options_, "auth"}
    .add(auth_access_ttl, "access-ttl", "lifetime of access tokens")
    .add(auth_refresh_ttl, "refresh-ttl", "lifetime of refresh tokens")
    .add(auth_hash_workers, "hash-workers", "threads hashing passwords (argon2id)");
  opt_group{custom_options_, "gateway"}
    .add(gateway_max_frame_bytes, "max-frame-bytes", "largest STOMP frame a client may send")
    .add(gateway_max_content_bytes, "max-content-bytes", "largest message content")
    .add(gateway_max_outbound_frames, "max-outbound-frames",
         "frames waiting for a client before it is disconnected as too slow")
    .add(gateway_heartbeat, "heartbeat", "the server's STOMP heart-beat offer")
    .add(gateway_connect_timeout, "connect-timeout", "time to the CONNECT frame")
    .add(gateway_request_timeout, "request-timeout", "bound of requests made for a client")
    .add(gateway_send_rate, "send-rate", "messages per second a user may send (sustained)")
    .add(gateway_send_burst, "send-burst", "messages a user may send at once");
  {
    opt_group faults{custom_options_, "faults"};
    faults.add(faults_enabled, "enabled",
               "allow fault injection (the /admin/faults endpoint and the points below)");
    // One option per fault point, e.g. message-insert for message.insert.
    for (auto& point : fault_point_names()) {
      auto key = point;
      std::replace(key.begin(), key.end(), '.', '-');
      faults.add(fault_specs[point], key,
                 "arm " + point + ": fail|delay=D|hang=D|crash [*count] [@probability]");
    }
  }
  opt_group{custom_options_, "log"}.add(log_level, "level",
                                        "trace, debug, info, warn, error or off");
  program = program == nullptr ? "chatd" : program;
  (void)program;
}

std::string node_config::read(int argc, char** argv) {
  if (auto err = parse(argc, argv, "config/chatd.ini")) {
    if (err.category() == caf::atom("parser"))
      return "invalid command line option: " + render(err);
    return "cannot read the configuration: " + render(err);
  }
  if (cli_helptext_printed)
    return {};
  if (auto problem = check_explicit_values(); !problem.empty())
    return problem;
  return check_ranges();
}

std::string node_config::check_explicit_values() const {
  // CAF drops INI values of the wrong type and keeps unknown keys silently: read the file
  // again without type checks and check every entry against the options.
  auto raw = parse_config_file(config_file_path.c_str());
  if (!raw)
    return {}; // no file (the default path is optional); parse() reported real errors
  for (auto& [category, value] : *raw) {
    auto* entries = caf::get_if<caf::settings>(&value);
    if (entries == nullptr) {
      auto opt = custom_options_.qualified_name_lookup("global", category);
      if (opt == nullptr)
        return "unknown option '" + category + "' in " + config_file_path;
      if (auto err = opt->check(value))
        return "invalid value for '" + category + "' in " + config_file_path + ": expected " +
               text(opt->type_name());
      continue;
    }
    for (auto& [key, entry] : *entries) {
      auto opt = custom_options_.qualified_name_lookup(category, key);
      if (opt == nullptr)
        return "unknown option '" + category + "." + key + "' in " + config_file_path;
      if (auto err = opt->check(entry))
        return "invalid value for '" + category + "." + key + "' in " + config_file_path +
               ": expected " + text(opt->type_name());
    }
  }
  return {};
}

std::string node_config::check_ranges() const {
  auto positive = [](const caf::timespan& x) { return x > caf::timespan{0}; };
  if (node_id.empty() || node_id.size() > 64)
    return "node.id must have 1 to 64 characters";
  if (cluster_port != 0 && cluster_host.empty())
    return "cluster.host is missing";
  if (cluster_heartbeat < std::chrono::milliseconds(10) || cluster_lease < cluster_heartbeat * 3)
    return "cluster.heartbeat must be at least 10ms and cluster.lease three heartbeats at least";
  if (cluster_handoff_timeout < std::chrono::milliseconds(10))
    return "cluster.handoff-timeout must be at least 10ms";
  for (auto& seed : cluster_seeds) {
    std::string host;
    uint16_t port = 0;
    if (!parse_endpoint(seed, host, port))
      return "cluster.seeds: '" + seed + "' is not host:port";
  }
  if (http_threads == 0 || http_threads > 64)
    return "http.threads must be between 1 and 64";
  if (http_max_body_bytes < 1024)
    return "http.max-body-bytes must be at least 1024";
  if (messages_dsn.empty())
    return "db.messages-dsn is missing";
  if (rooms_dsn.empty())
    return "db.rooms-dsn is missing";
  if (messages_dsn == rooms_dsn)
    return "db.messages-dsn and db.rooms-dsn must name two databases (the saga spans both)";
  if (db_pool_size == 0 || db_pool_size > 64)
    return "db.pool-size must be between 1 and 64";
  if (db_max_batch == 0)
    return "db.max-batch must be positive";
  if (db_lock_timeout < std::chrono::milliseconds(1) ||
      db_idle_transaction_timeout < std::chrono::milliseconds(1))
    return "db.lock-timeout and db.idle-transaction-timeout must be at least 1ms";
  if (kafka_topic.empty())
    return "kafka.topic is missing";
  if (kafka_partitions == 0 || kafka_mock_brokers == 0)
    return "kafka.partitions and kafka.mock-brokers must be positive";
  if (!positive(kafka_delivery_timeout))
    return "kafka.delivery-timeout must be positive";
  if (!positive(saga_step_timeout))
    return "saga.step-timeout must be positive";
  if (saga_compensation_attempts == 0 || saga_compensation_attempts > 20)
    return "saga.compensation-attempts must be between 1 and 20";
  if (!positive(room_idle_timeout))
    return "room.idle-timeout must be positive";
  if (room_max_commit_batch == 0)
    return "room.max-commit-batch must be positive";
  if (outbox_batch == 0 || outbox_max_attempts == 0)
    return "outbox.batch and outbox.max-attempts must be positive";
  if (!positive(outbox_poll_interval))
    return "outbox.poll-interval must be positive";
  if (!positive(recovery_interval) || !positive(recovery_pending_age))
    return "recovery.interval and recovery.pending-age must be positive";
  if (db_lock_timeout >= saga_step_timeout)
    return "db.lock-timeout must be shorter than saga.step-timeout";
  if (recovery_pending_age <= saga_step_timeout * 3)
    return "recovery.pending-age must exceed three saga step timeouts (a saga's forward path)";
  if (auth_access_ttl < std::chrono::seconds(10) || auth_refresh_ttl < auth_access_ttl)
    return "auth.access-ttl must be at least 10s and auth.refresh-ttl at least as long";
  if (auth_hash_workers == 0 || auth_hash_workers > 16)
    return "auth.hash-workers must be between 1 and 16";
  if (gateway_max_frame_bytes < 1024 || gateway_max_content_bytes == 0 ||
      gateway_max_content_bytes + 1024 > gateway_max_frame_bytes)
    return "gateway.max-frame-bytes must exceed gateway.max-content-bytes by 1 KiB at least";
  if (gateway_max_outbound_frames < 16)
    return "gateway.max-outbound-frames must be at least 16";
  if (!positive(gateway_heartbeat) || !positive(gateway_connect_timeout) ||
      !positive(gateway_request_timeout))
    return "gateway.heartbeat, connect-timeout and request-timeout must be positive";
  if (!(gateway_send_rate > 0) || gateway_send_burst < 1)
    return "gateway.send-rate must be positive and gateway.send-burst at least 1";
  for (auto& [point, text] : fault_specs) {
    if (text.empty())
      continue;
    if (!faults_enabled)
      return "faults." + point + " is armed but faults.enabled is false";
    std::string error;
    if (!parse_fault_spec(text, error))
      return "faults." + point + ": " + error;
  }
  static const char* levels[] = {"trace", "debug", "info", "warn", "error", "off"};
  if (std::find(std::begin(levels), std::end(levels), log_level) == std::end(levels))
    return "log.level must be one of trace, debug, info, warn, error, off";
  return {};
}

std::string node_config::session_dsn(const std::string& dsn) const {
  // A DSN with options of its own (or in URI form) is taken as it is.
  if (dsn.find("options") != std::string::npos || dsn.find("://") != std::string::npos)
    return dsn;
  auto ms = [](caf::timespan x) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(x).count());
  };
  return dsn + " options='-c lock_timeout=" + ms(db_lock_timeout) +
         " -c idle_in_transaction_session_timeout=" + ms(db_idle_transaction_timeout) + "'";
}

node_settings node_config::node() const {
  node_settings result;
  result.node_id = node_id;
  result.messages = store_settings{session_dsn(messages_dsn), db_pool_size, db_max_batch};
  result.rooms = store_settings{session_dsn(rooms_dsn), db_pool_size, db_max_batch};
  result.room.node = node_id;
  result.room.idle_timeout = room_idle_timeout;
  result.room.dedupe_window = room_dedupe_window;
  // Undecided sagas wait for recovery, which decides at this pace.
  result.room.undecided_recheck = recovery_interval;
  result.room.max_commit_batch = room_max_commit_batch;
  result.room.saga.step_timeout = saga_step_timeout;
  result.room.saga.compensation_attempts = static_cast<int>(saga_compensation_attempts);
  result.room.saga.compensation_backoff = saga_compensation_backoff;
  result.relay.node = node_id;
  result.relay.batch = static_cast<int>(outbox_batch);
  result.relay.poll_interval = outbox_poll_interval;
  result.relay.max_attempts = static_cast<int>(outbox_max_attempts);
  result.relay.retry_backoff = outbox_retry_backoff;
  result.recovery.pending_age = recovery_pending_age;
  result.recovery.interval = recovery_interval;
  result.recovery.batch = static_cast<int>(recovery_batch);
  result.streamer_dsn = streamer_dsn;
  result.cluster.self = node_info{node_id, cluster_host, cluster_port, http_port};
  result.cluster.seeds = cluster_seeds;
  result.cluster.heartbeat = cluster_heartbeat;
  result.cluster.lease = cluster_lease;
  result.cluster.handoff_timeout = cluster_handoff_timeout;
  result.cluster.request_timeout = gateway_request_timeout;
  result.kafka.brokers = kafka_brokers;
  result.kafka.topic = kafka_topic;
  result.kafka.delivery_timeout =
    std::chrono::duration_cast<std::chrono::milliseconds>(kafka_delivery_timeout);
  result.kafka.linger = std::chrono::duration_cast<std::chrono::milliseconds>(kafka_linger);
  return result;
}

void node_config::arm_faults() const {
  if (!faults_enabled)
    return;
  for (auto& [point, text] : fault_specs) {
    std::string error;
    if (auto spec = parse_fault_spec(text, error); !text.empty() && spec)
      fault_registry::instance().arm(point, *spec);
  }
}

gateway_settings node_config::gateway() const {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  gateway_settings result;
  result.max_frame_bytes = gateway_max_frame_bytes;
  result.max_content_bytes = gateway_max_content_bytes;
  result.max_outbound_frames = gateway_max_outbound_frames;
  result.heartbeat = duration_cast<milliseconds>(gateway_heartbeat);
  result.connect_timeout = duration_cast<milliseconds>(gateway_connect_timeout);
  result.request_timeout = duration_cast<milliseconds>(gateway_request_timeout);
  result.send_rate = rate_limit_settings{gateway_send_rate, gateway_send_burst};
  return result;
}

http_settings node_config::http() const {
  http_settings result;
  result.address = http_address;
  result.port = http_port;
  result.threads = static_cast<int>(http_threads);
  result.max_body_bytes = http_max_body_bytes;
  return result;
}

} // namespace chat
