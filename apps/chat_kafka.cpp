// chat-kafka: the embedded Kafka (librdkafka's mock cluster) as a process of its own, for
// several chatd nodes (scripts/cluster) and for tests where chatd dies while Kafka must not.
// Writes the bootstrap address to a file and serves a small admin endpoint (brokers down/up,
// injected produce errors) on loopback.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include <caf/actor_system_config.hpp>
#include <spdlog/spdlog.h>

#include "apps/stop_signals.hpp"
#include "gateway/http/http_server.hpp"
#include "gateway/http/router.hpp"
#include "gateway/rest/admin.hpp"
#include "persistence/kafka/embedded_kafka.hpp"

using namespace chat;

namespace {

struct kafka_config : caf::actor_system_config {
  size_t brokers = 1;
  std::string topic = "chat.events";
  size_t partitions = 8;
  uint16_t admin_port = 0;
  std::string bootstrap_file = "var/kafka.bootstrap";

  kafka_config() {
    opt_group{custom_options_, "global"}
      .add(brokers, "brokers", "mock brokers")
      .add(topic, "topic", "topic to create")
      .add(partitions, "partitions", "partitions of the topic")
      .add(admin_port, "admin-port", "loopback port of the admin endpoint (0: any)")
      .add(bootstrap_file, "bootstrap-file", "where to write the bootstrap address");
  }
};

} // namespace

int main(int argc, char** argv) {
  auto signals = block_stop_signals();
  kafka_config cfg;
  if (auto err = cfg.parse(argc, argv, "/dev/null")) {
    std::fprintf(stderr, "chat-kafka: %s\n", cfg.render(err).c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  if (cfg.brokers == 0 || cfg.partitions == 0) {
    std::fprintf(stderr, "chat-kafka: brokers and partitions must be positive\n");
    return 2;
  }
  std::unique_ptr<embedded_kafka> kafka;
  try {
    kafka = std::make_unique<embedded_kafka>(static_cast<int>(cfg.brokers), cfg.topic,
                                             static_cast<int>(cfg.partitions));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chat-kafka: %s\n", e.what());
    return 1;
  }
  router routes;
  add_kafka_admin_routes(routes, kafka.get());
  http_settings settings;
  settings.port = cfg.admin_port;
  settings.threads = 1;
  http_server admin{settings,
                    [&routes](http_request req, http_responder respond) {
                      routes.dispatch(std::move(req), std::move(respond));
                    },
                    nullptr};
  try {
    admin.start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chat-kafka: %s\n", e.what());
    return 1;
  }
  auto path = std::filesystem::path{cfg.bootstrap_file};
  if (path.has_parent_path())
    std::filesystem::create_directories(path.parent_path());
  std::ofstream{path} << kafka->bootstrap() << '\n';
  spdlog::info("kafka bootstrap: {} ({} brokers, topic {} with {} partitions; written to {})",
               kafka->bootstrap(), cfg.brokers, cfg.topic, cfg.partitions, path.string());
  spdlog::info("admin: http://127.0.0.1:{}/admin/kafka", admin.port());
  std::fflush(stdout);
  wait_for_stop_signal(signals);
  admin.stop();
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  return 0;
}
