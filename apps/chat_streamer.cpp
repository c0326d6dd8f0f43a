// chat-streamer: the downstream consumer of the chat events. A consumer-group member that
// applies each batch to its own database in one transaction (effects exactly once, by event
// id) and commits offsets only after that transaction.
//
//   chat-streamer --config-file=config/chat-streamer.ini [--streamer.dsn=...] [--kafka.brokers=...]
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/streamer/event_consumer.hpp"
#include "apps/stop_signals.hpp"
#include "persistence/db/migrations.hpp"
#include "persistence/faults/fault_points.hpp"
#include "protocol/type_registry.hpp"

using namespace chat;

namespace {

struct streamer_config : caf::actor_system_config {
  std::string dsn = "host=127.0.0.1 port=5433 user=shoot dbname=shoot_streamer";
  size_t batch = 1000;
  caf::timespan poll_timeout = std::chrono::milliseconds(200);
  caf::timespan retry_backoff = std::chrono::milliseconds(500);
  std::string brokers;
  std::string bootstrap_file = "var/kafka.bootstrap";
  std::string topic = "chat.events";
  std::string group = "chat-streamer";
  caf::timespan session_timeout = std::chrono::seconds(10);
  bool faults_enabled = false;
  std::string offsets_fault;
  std::string log_level = "info";

  streamer_config() {
    register_types(*this);
    opt_group{custom_options_, "streamer"}
      .add(dsn, "dsn", "libpq connection string of the streamer store")
      .add(batch, "batch", "most records per batch (one transaction)")
      .add(poll_timeout, "poll-timeout", "how long a poll waits for a first record")
      .add(retry_backoff, "retry-backoff", "pause after a failed batch");
    opt_group{custom_options_, "kafka"}
      .add(brokers, "brokers", "bootstrap servers; empty: read bootstrap-file")
      .add(bootstrap_file, "bootstrap-file", "file with the bootstrap servers")
      .add(topic, "topic", "topic of the chat events")
      .add(group, "group", "consumer group")
      .add(session_timeout, "session-timeout", "how long the group waits for a silent member");
    opt_group{custom_options_, "faults"}
      .add(faults_enabled, "enabled", "allow fault injection")
      .add(offsets_fault, "streamer-offsets", "fault between store commit and offset commit");
    opt_group{custom_options_, "log"}.add(log_level, "level", "log level");
  }
};

std::string read_bootstrap(const std::string& file) {
  std::ifstream in{file};
  std::string line;
  std::getline(in, line);
  return line;
}

} // namespace

int main(int argc, char** argv) {
  auto signals = block_stop_signals();
  streamer_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::fprintf(stderr, "chat-streamer: %s\n", cfg.render(err).c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  auto brokers = cfg.brokers.empty() ? read_bootstrap(cfg.bootstrap_file) : cfg.brokers;
  if (brokers.empty()) {
    std::fprintf(stderr, "chat-streamer: no kafka.brokers and no bootstrap file at %s\n",
                 cfg.bootstrap_file.c_str());
    return 2;
  }
  if (cfg.batch == 0) {
    std::fprintf(stderr, "chat-streamer: streamer.batch must be positive\n");
    return 2;
  }
  if (!cfg.offsets_fault.empty()) {
    std::string error;
    auto spec = parse_fault_spec(cfg.offsets_fault, error);
    if (!cfg.faults_enabled || !spec) {
      std::fprintf(stderr, "chat-streamer: faults.streamer-offsets: %s\n",
                   cfg.faults_enabled ? error.c_str() : "needs --faults.enabled");
      return 2;
    }
    fault_registry::instance().arm(fault_point::streamer_offsets, *spec);
  }
  try {
    ensure_database(cfg.dsn);
    migrate(cfg.dsn, database_kind::streamer);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chat-streamer: cannot prepare the streamer store: %s\n", e.what());
    return 1;
  }
  caf::actor_system system{cfg};
  event_consumer_settings settings;
  settings.kafka.brokers = brokers;
  settings.kafka.topic = cfg.topic;
  settings.kafka.group_id = cfg.group;
  settings.kafka.session_timeout =
    std::chrono::duration_cast<std::chrono::milliseconds>(cfg.session_timeout);
  settings.dsn = cfg.dsn;
  settings.batch = cfg.batch;
  settings.poll_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.poll_timeout);
  settings.retry_backoff = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.retry_backoff);
  auto consumer = system.spawn<caf::detached>(event_consumer, settings, notification_sink{});
  spdlog::info("chat-streamer: consuming {} from {} as group {}", cfg.topic, brokers, cfg.group);
  wait_for_stop_signal(signals);
  {
    caf::scoped_actor self{system};
    self->request(consumer, std::chrono::seconds(5), stats_atom::value)
      .receive(
        [](const consumer_stats& s) {
          spdlog::info("chat-streamer: {} batches, {} records, {} handled, {} duplicates, {} dead",
                       s.batches, s.records, s.handled, s.duplicates, s.dead);
        },
        [](caf::error&) {});
  }
  caf::anon_send_exit(consumer, caf::exit_reason::user_shutdown);
  return 0;
}
