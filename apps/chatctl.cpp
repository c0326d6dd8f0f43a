// chatctl: operations on a deployment's stores.
//
//   chatctl [chatd options] verify [--client-log=FILE] [--max-pending-age=60s] [--json]
//                                  [--no-kafka]
//   chatctl [chatd options] dead-letters
//   chatctl [chatd options] retry-dead-letters
//
// The chatd options (--config-file=..., --db.messages-dsn=..., --kafka.brokers=...) say where
// the stores are; with no brokers, the embedded Kafka's bootstrap file in node.data-dir is read.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "apps/invariants.hpp"
#include "apps/node_config.hpp"
#include "persistence/db/connection.hpp"
#include "persistence/messages/message_queries.hpp"
#include "persistence/outbox/outbox_queries.hpp"
#include "persistence/rooms/room_queries.hpp"
#include "protocol/clock.hpp"

using namespace chat;

namespace {

int usage() {
  std::fprintf(stderr, "usage: chatctl [chatd options] verify [--client-log=FILE] "
                       "[--max-pending-age=60s] [--json] [--no-kafka]\n"
                       "       chatctl [chatd options] dead-letters\n"
                       "       chatctl [chatd options] retry-dead-letters\n");
  return 2;
}

std::string brokers_of(const node_config& cfg) {
  if (!cfg.settings.kafka.brokers.empty())
    return cfg.settings.kafka.brokers;
  std::ifstream in{std::filesystem::path{cfg.data_dir} / "kafka.bootstrap"};
  std::string bootstrap;
  std::getline(in, bootstrap);
  return bootstrap;
}

int dead_letters(const node_config& cfg) {
  pqxx::connection conn{cfg.settings.db.rooms_dsn};
  pqxx::read_transaction txn{conn};
  auto sagas = txn.exec("SELECT message_id, room_id, seq, attempts, reason FROM saga_dead_letters "
                        "WHERE resolved_at IS NULL ORDER BY created_at");
  std::printf("saga dead letters: %zu\n", sagas.size());
  for (const auto& row : sagas)
    std::printf("  message %s (room %s, seq %s), %s attempt(s): %s\n", row[0].c_str(),
                row[1].c_str(), row[2].c_str(), row[3].c_str(), row[4].c_str());
  auto events = txn.exec("SELECT id, event_type, coalesce(message_id::text, ''), attempts, "
                         "coalesce(last_error, '') FROM outbox_dead_letters ORDER BY id");
  std::printf("outbox dead letters: %zu\n", events.size());
  for (const auto& row : events)
    std::printf("  event %s %s of message %s after %s attempt(s): %s\n", row[0].c_str(),
                row[1].c_str(), row[2].c_str(), row[3].c_str(), row[4].c_str());
  return 0;
}

/// Compensates the dead-lettered sagas (abort in the rooms store, delete the message) and puts
/// dead-lettered events back into the outbox.
int retry_dead_letters(const node_config& cfg) {
  db_connection rooms{cfg.settings.db.rooms_dsn};
  db_connection messages{cfg.settings.db.messages_dsn};
  int failures = 0;
  int resolved = 0;
  for (auto& letter : room_queries::dead_letters(rooms, 10000)) {
    try {
      room_queries::resolve(rooms, letter.room_id, letter.message_id, true);
      message_queries::remove(messages, {letter.message_id});
      room_queries::resolve_dead_letter(rooms, letter.message_id);
      ++resolved;
    } catch (const std::exception& e) {
      ++failures;
      std::fprintf(stderr, "chatctl: saga of %s: %s\n", letter.message_id.c_str(), e.what());
    }
  }
  auto requeued = outbox_queries::requeue_dead_letters(rooms);
  std::printf("compensated %d dead-lettered saga(s), requeued %lld dead-lettered event(s)\n",
              resolved, static_cast<long long>(requeued));
  return failures == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  std::string command;
  verify_options options;
  bool as_json = false;
  bool use_kafka = true;
  std::optional<std::chrono::milliseconds> max_age;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--client-log=", 0) == 0) {
      options.client_log = arg.substr(13);
    } else if (arg.rfind("--max-pending-age=", 0) == 0) {
      max_age = parse_duration(arg.substr(18));
      if (!max_age)
        return usage();
    } else if (arg == "--json") {
      as_json = true;
    } else if (arg == "--no-kafka") {
      use_kafka = false;
    } else if (arg.rfind("--", 0) != 0 && command.empty()) {
      command = arg;
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (command.empty())
    return usage();
  node_config cfg{"chatctl"};
  if (auto problem = cfg.read(static_cast<int>(rest.size()), rest.data()); !problem.empty()) {
    std::fprintf(stderr, "chatctl: %s\n", problem.c_str());
    return 2;
  }
  try {
    if (command == "dead-letters")
      return dead_letters(cfg);
    if (command == "retry-dead-letters")
      return retry_dead_letters(cfg);
    if (command != "verify")
      return usage();
    options.messages_dsn = cfg.settings.db.messages_dsn;
    options.rooms_dsn = cfg.settings.db.rooms_dsn;
    options.topic = cfg.settings.kafka.topic;
    options.brokers = use_kafka ? brokers_of(cfg) : std::string{};
    if (use_kafka && options.brokers.empty())
      std::fprintf(stderr, "chatctl: no Kafka brokers (and no bootstrap file): topic not read\n");
    // Unfinished work older than recovery's age plus two sweeps is a violation.
    options.max_pending_age =
      max_age ? *max_age
              : std::chrono::duration_cast<std::chrono::milliseconds>(
                  cfg.settings.recovery.pending_age + 2 * cfg.settings.recovery.interval);
    auto report = verify(options);
    std::fputs((as_json ? report.json() + "\n" : report.text()).c_str(), stdout);
    return report.ok() ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chatctl: %s\n", e.what());
    return 3;
  }
}
