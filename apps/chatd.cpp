// chatd: one node of the chat backend. Prepares its databases (create + migrate), starts
// the embedded Kafka when no brokers are configured, runs the node's actors and the
// HTTP/WebSocket server until SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sys/resource.h>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <spdlog/spdlog.h>

#include "apps/node_config.hpp"
#include "apps/stop_signals.hpp"
#include "cluster/node.hpp"
#include "gateway/auth/password_hasher.hpp"
#include "gateway/auth/rate_limiter.hpp"
#include "gateway/http/http_server.hpp"
#include "gateway/http/websocket_server.hpp"
#include "gateway/rest/rest_api.hpp"
#include "gateway/sockjs/sockjs_endpoint.hpp"
#include "gateway/web/web_handler.hpp"
#include "persistence/db/migrations.hpp"
#include "persistence/kafka/embedded_kafka.hpp"

using namespace chat;

namespace {

int fail(const std::string& line, int code = 2) {
  std::fprintf(stderr, "chatd: %s\n", line.c_str());
  return code;
}

/// Creates (if allowed) and migrates one database.
void prepare_database(const std::string& dsn, database_kind kind, bool create) {
  if (create && ensure_database(dsn))
    spdlog::info("created the {} database {}", to_string(kind), database_name(dsn));
  auto applied = migrate(dsn, kind);
  spdlog::info("{} database {}: {} migration(s) applied", to_string(kind), database_name(dsn),
               applied);
}

} // namespace

int main(int argc, char** argv) {
  auto signals = block_stop_signals();
  // Every descriptor the system grants: the connection limit is derived from it.
  if (rlimit descriptors{}; getrlimit(RLIMIT_NOFILE, &descriptors) == 0) {
    descriptors.rlim_cur = descriptors.rlim_max;
    setrlimit(RLIMIT_NOFILE, &descriptors);
  }

  node_config cfg{"chatd"};
  cfg.load<caf::io::middleman>();
  if (auto problem = cfg.read(argc, argv); !problem.empty())
    return fail(problem);
  if (cfg.cli_helptext_printed)
    return 0;
  if (auto problem = http_server::check_tls(cfg.http); !problem.empty())
    return fail(problem);
  auto* secret = std::getenv("CHAT_JWT_SECRET");
  if (secret == nullptr || std::strlen(secret) < 32)
    return fail("CHAT_JWT_SECRET must be set in the environment (at least 32 characters)");
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [" + cfg.node_id() + "] %v");

  try {
    auto& db = cfg.settings.db;
    prepare_database(db.messages_dsn, database_kind::messages, db.create_databases);
    prepare_database(db.rooms_dsn, database_kind::rooms, db.create_databases);
    // The node listens for chat-streamer's notifications from the start, and lists them.
    if (!db.streamer_dsn.empty())
      prepare_database(db.streamer_dsn, database_kind::streamer, db.create_databases);
  } catch (const std::exception& e) {
    return fail(std::string{"cannot prepare the databases: "} + e.what(), 1);
  }

  auto settings = cfg.node();
  std::unique_ptr<embedded_kafka> kafka;
  std::filesystem::path bootstrap_file = std::filesystem::path{cfg.data_dir} / "kafka.bootstrap";
  if (cfg.embedded_kafka()) {
    try {
      kafka = std::make_unique<embedded_kafka>(static_cast<int>(settings.kafka.mock_brokers),
                                               settings.kafka.topic,
                                               static_cast<int>(settings.kafka.partitions));
      std::filesystem::create_directories(cfg.data_dir);
      std::ofstream{bootstrap_file} << kafka->bootstrap() << '\n';
    } catch (const std::exception& e) {
      return fail(std::string{"cannot start the embedded Kafka: "} + e.what(), 1);
    }
    settings.kafka.brokers = kafka->bootstrap();
    spdlog::info("kafka bootstrap: {} (embedded; written to {})", kafka->bootstrap(),
                 bootstrap_file.string());
  } else {
    spdlog::info("kafka bootstrap: {}", settings.kafka.brokers);
  }

  caf::actor_system sys{cfg};
  // Scheduled messages take from their sender's budget like the sender's own sends.
  auto limiter = std::make_shared<rate_limiter>(cfg.gateway.send_rate);
  auto actors =
    start_node(sys, settings, [limiter](int64_t sender) { return limiter->allow(sender); });
  auto& self_info = settings.cluster.self;
  if (self_info.cluster_port != 0) {
    // Peers reach this node through its root (the cluster directory).
    auto published = sys.middleman().publish(caf::actor_cast<node_root_actor>(actors.directory),
                                             self_info.cluster_port, self_info.host.c_str(), true);
    if (!published) {
      stop_node(actors);
      return fail("cannot publish the cluster root on " + self_info.host + ":" +
                    std::to_string(self_info.cluster_port) + ": " + sys.render(published.error()),
                  1);
    }
    spdlog::info("cluster root on {}:{}, seeds: {}", self_info.host, *published,
                 settings.cluster.seeds.size());
  }
  auto context = std::make_shared<gateway_context>();
  context->sys = &sys;
  context->node_id = cfg.node_id();
  context->settings = cfg.gateway;
  context->directory = actors.directory;
  context->cluster = actors.directory;
  context->fanout = actors.fanout;
  context->messages = actors.messages;
  context->commits = actors.commits;
  context->membership = actors.membership;
  context->users = actors.users;
  context->notifications = actors.notifications;
  context->schedules = actors.schedules;
  context->hasher = spawn_password_hasher(
    sys, cfg.auth.hash_workers, hash_cost{cfg.auth.hash_passes, cfg.auth.hash_memory_kib * 1024});
  context->tokens = std::make_shared<token_service>(
    secret, std::chrono::duration_cast<std::chrono::seconds>(cfg.auth.access_ttl),
    std::chrono::duration_cast<std::chrono::seconds>(cfg.auth.refresh_ttl));
  context->limiter = limiter;
  context->logins = std::make_shared<login_throttle>(cfg.auth.logins);
  cfg.arm_faults();
  if (cfg.faults_enabled)
    spdlog::warn("fault injection is enabled (/admin/faults)");
  auto http = cfg.http;
  http.allowed_origins = cfg.web.origin_list();
  http_server server{
    http,
    make_web_handler(
      cfg.web,
      make_sockjs_handler(context, cfg.sockjs, "/ws/chat",
                          make_rest_api(context, admin_context{cfg.faults_enabled, kafka.get()}))),
    std::make_shared<websocket_server>(context, cfg.sockjs)};
  try {
    server.start();
  } catch (const std::exception& e) {
    stop_node(actors);
    return fail(e.what(), 1);
  }
  auto scheme = cfg.http.tls_cert.empty() ? "http" : "https";
  spdlog::info("chatd {} serving on {}://{}:{} (Ctrl-C stops it), up to {} connections",
               cfg.node_id(), scheme, cfg.http.address, server.port(), server.connection_limit());
  if (cfg.web.enabled)
    spdlog::info("web client: {}://{}:{}/  API docs: {}://{}:{}/swagger-ui/", scheme,
                 cfg.http.address, server.port(), scheme, cfg.http.address, server.port());

  auto received = wait_for_stop_signal(signals);
  spdlog::info("{} received, shutting down", strsignal(received));
  server.stop();
  caf::anon_send_exit(context->hasher, caf::exit_reason::user_shutdown);
  stop_node(actors);
  if (kafka) {
    std::error_code ignored;
    std::filesystem::remove(bootstrap_file, ignored);
  }
  return 0;
}
