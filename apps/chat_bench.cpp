// chat-bench: drives R rooms x M messages through the real pipeline (room actors, sagas,
// PostgreSQL, outbox relay, embedded Kafka) without the network layer and prints messages/s
// and saga latency; then, for reference, the raw rate of batched inserts into the same
// PostgreSQL. Uses the databases of the configuration with "_bench" appended (recreated).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "actors/streamer/event_consumer.hpp"
#include "apps/bench_changes.hpp"
#include "apps/node_config.hpp"
#include "cluster/node.hpp"
#include "persistence/db/connection.hpp"
#include "persistence/db/migrations.hpp"
#include "persistence/kafka/embedded_kafka.hpp"
#include "persistence/membership/room_admin_queries.hpp"
#include "persistence/messages/message_queries.hpp"
#include "persistence/users/user_queries.hpp"
#include "protocol/clock.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"
#include "protocol/uuid.hpp"

using namespace chat;
using clock_type = std::chrono::steady_clock;
/// The driver is done: every message has its final status.
using done_atom = caf::atom_constant<caf::atom("done")>;

namespace {

struct bench_config : node_config {
  size_t rooms = 100;
  size_t messages = 200;
  size_t senders = 4;
  size_t window = 16;
  size_t raw_rows = 100000;
  size_t raw_batch = 500;
  size_t reaction_percent = 0;
  size_t changes = 0;

  bench_config() : node_config("chat-bench") {
    opt_group{custom_options_, "bench"}
      .add(rooms, "rooms", "rooms to send to")
      .add(messages, "messages", "messages per room")
      .add(senders, "senders", "members sending in each room")
      .add(window, "window", "messages in flight per room")
      .add(raw_rows, "raw-rows", "rows of the raw batched insert reference")
      .add(raw_batch, "raw-batch", "rows per transaction of the raw insert reference")
      .add(reaction_percent, "reaction-percent",
           "share of the send phase's traffic that is reactions, on top of the sends (0 to 50)")
      .add(changes, "changes", "edits, then reactions, per room after the send phase");
  }
};

/// Results, written by the driver actor only, read by main after the driver is done.
struct bench_results {
  std::vector<int64_t> latencies_us;
  std::vector<int64_t> reaction_latencies_us;
  size_t saved = 0;
  size_t failed = 0;
  size_t admission_errors = 0;
  size_t reactions = 0;
  clock_type::time_point finished;
  /// Per room: the saved messages, for the change phases.
  std::vector<std::vector<bench::saved_message>> saved_messages;
};

struct driver_state {
  static inline const char* name = "bench_driver";
  std::vector<room_actor> rooms;
  std::vector<int64_t> room_ids;
  std::vector<std::vector<int64_t>> senders; // per room
  std::vector<size_t> sent;                  // per room
  std::map<std::string, std::pair<size_t, clock_type::time_point>> in_flight;
  std::map<std::string, int64_t> sender_of;
  /// Every `reaction_every`-th operation of a room is a reaction (0: none).
  size_t reaction_every = 0;
  size_t reactions_in_flight = 0;
  std::vector<size_t> operations; // per room
  size_t per_room = 0;
  size_t total = 0;
  std::shared_ptr<bench_results> results;
  caf::actor done;
};

/// Ends the run once every send has its outcome and no reaction is in flight.
void finish_if_done(status_sink_actor::stateful_pointer<driver_state> self) {
  auto& st = self->state;
  if (st.results->saved + st.results->failed < st.total || st.reactions_in_flight > 0)
    return;
  caf::anon_send(st.done, done_atom::value);
  self->quit();
}

void send_next(status_sink_actor::stateful_pointer<driver_state> self, size_t room) {
  auto& st = self->state;
  if (st.sent[room] >= st.per_room)
    return;
  auto n = st.sent[room]++;
  // Reactions come on top of the sends, in their own slots (one after every
  // reaction_every - 1 sends, so that they are that share of the traffic): a reaction taking a
  // send's slot would slow the sends down by the window's arithmetic, not by the server.
  auto& saved = st.results->saved_messages[room];
  if (st.reaction_every > 1 && (n + 1) % (st.reaction_every - 1) == 0 && !saved.empty()) {
    auto change =
      bench::change_for(saved, st.senders[room], change_kind::react, st.results->reactions++);
    ++st.reactions_in_flight;
    auto started = clock_type::now();
    auto done = [self, started] {
      auto& st = self->state;
      --st.reactions_in_flight;
      st.results->reaction_latencies_us.push_back(
        std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - started).count());
      finish_if_done(self);
    };
    self->request(st.rooms[room], std::chrono::seconds(60), change_atom::value, change)
      .then([done](change_outcome&) { done(); }, [done](caf::error&) { done(); });
  }
  chat_message draft;
  draft.room_id = st.room_ids[room];
  draft.sender_id = st.senders[room][n % st.senders[room].size()];
  draft.temp_id = "bench-" + std::to_string(room) + "-" + std::to_string(n);
  draft.content = "benchmark message " + std::to_string(n) + " of room " + std::to_string(room);
  st.in_flight[draft.temp_id] = {room, clock_type::now()};
  st.sender_of[draft.temp_id] = draft.sender_id;
  auto temp_id = draft.temp_id;
  self
    ->request(st.rooms[room], std::chrono::seconds(60), send_atom::value, draft,
              caf::actor_cast<status_sink_actor>(self))
    .then(
      [self, temp_id](status_event& admission) {
        // A rejection is final: no further status follows.
        if (admission.status == delivery_status::failed)
          self->send(self, admission);
      },
      [self, temp_id](caf::error& err) {
        ++self->state.results->admission_errors;
        if (self->state.results->admission_errors <= 5)
          std::fprintf(stderr, "chat-bench: admission of %s failed: %s\n", temp_id.c_str(),
                       describe(err).c_str());
        status_event failed;
        failed.temp_id = temp_id;
        failed.status = delivery_status::failed;
        self->send(self, failed);
      });
}

status_sink_actor::behavior_type driver(status_sink_actor::stateful_pointer<driver_state> self,
                                        std::vector<room_actor> rooms,
                                        std::vector<int64_t> room_ids,
                                        std::vector<std::vector<int64_t>> senders, size_t per_room,
                                        size_t window, size_t reaction_percent,
                                        std::shared_ptr<bench_results> results, caf::actor done) {
  auto& st = self->state;
  st.reaction_every = reaction_percent > 0 ? 100 / std::min<size_t>(reaction_percent, 50) : 0;
  st.operations.assign(rooms.size(), 0);
  results->saved_messages.resize(rooms.size());
  st.rooms = std::move(rooms);
  st.room_ids = std::move(room_ids);
  st.senders = std::move(senders);
  st.sent.assign(st.rooms.size(), 0);
  st.per_room = per_room;
  st.total = per_room * st.rooms.size();
  st.results = std::move(results);
  st.done = std::move(done);
  for (size_t room = 0; room < st.rooms.size(); ++room)
    for (size_t i = 0; i < window; ++i)
      send_next(self, room);
  return {
    [=](status_event& event) {
      auto& st = self->state;
      if (event.status != delivery_status::saved && event.status != delivery_status::failed)
        return;
      auto i = st.in_flight.find(event.temp_id);
      if (i == st.in_flight.end())
        return;
      auto [room, started] = i->second;
      st.in_flight.erase(i);
      if (event.status == delivery_status::saved) {
        ++st.results->saved;
        st.results->saved_messages[room].push_back(
          bench::saved_message{event.persisted_id, st.sender_of[event.temp_id]});
        st.results->latencies_us.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - started)
            .count());
      } else {
        ++st.results->failed;
      }
      if (st.results->saved + st.results->failed == st.total) {
        st.results->finished = clock_type::now();
        finish_if_done(self);
        return;
      }
      send_next(self, room);
    },
  };
}

double percentile(std::vector<int64_t> values, double p) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<size_t>(p * static_cast<double>(values.size() - 1));
  return static_cast<double>(values[index]) / 1000.0;
}

/// The reference: batched multi-row inserts with the saga's insert statement, one connection.
double raw_insert_rate(const std::string& dsn, size_t rows, size_t batch) {
  db_connection db{dsn};
  std::vector<chat_message> buffer;
  auto started = clock_type::now();
  for (size_t i = 0; i < rows; ++i) {
    chat_message msg;
    msg.id = make_uuid();
    msg.room_id = 1000000 + static_cast<int64_t>(i / 1000);
    msg.seq = static_cast<int64_t>(i % 1000) + 1;
    msg.sender_id = 1;
    msg.temp_id = "raw-" + std::to_string(i);
    msg.content = "raw insert " + std::to_string(i);
    msg.created_at = now_ms();
    buffer.push_back(std::move(msg));
    if (buffer.size() == batch || i + 1 == rows) {
      message_queries::insert_pending(db, buffer);
      buffer.clear();
    }
  }
  auto seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  return static_cast<double>(rows) / seconds;
}

} // namespace

/// Drops and creates the database of `dsn`: the benchmark never reuses earlier data.
void recreate_database(const std::string& dsn) {
  pqxx::connection admin{with_database(dsn, "postgres")};
  pqxx::nontransaction txn{admin};
  txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(database_name(dsn)) + " WITH (FORCE)");
  txn.exec("CREATE DATABASE " + txn.quote_name(database_name(dsn)));
}

/// chat-streamer's consumer over the events of the run (one MessageSent per message), from a
/// fresh streamer store: prints events/s from the first poll to the last commit.
void streamer_rate(caf::actor_system& sys, caf::scoped_actor& self, const std::string& messages_dsn,
                   const kafka_settings& kafka, int64_t events) {
  auto dsn = with_database(messages_dsn, database_name(messages_dsn) + "_streamer");
  recreate_database(dsn);
  migrate(dsn, database_kind::streamer);
  event_consumer_settings settings;
  settings.kafka.brokers = kafka.brokers;
  settings.kafka.topic = kafka.topic;
  settings.kafka.group_id = "chat-bench-" + make_uuid();
  settings.dsn = dsn;
  auto consumer = sys.spawn<caf::detached>(event_consumer, settings, notification_sink{});
  consumer_stats stats;
  std::optional<clock_type::time_point> first;
  auto deadline = clock_type::now() + std::chrono::seconds(300);
  while (stats.handled + stats.duplicates + stats.dead < events && clock_type::now() < deadline) {
    self->request(consumer, std::chrono::seconds(30), stats_atom::value)
      .receive([&](const consumer_stats& x) { stats = x; }, [&](caf::error&) {});
    // The clock starts with the first batch (after the group join).
    if (!first && stats.records > 0)
      first = clock_type::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto seconds = first ? std::chrono::duration<double>(clock_type::now() - *first).count() : 0.0;
  std::printf("  streamer:  %lld events applied in %lld batches in %.2f s = %.0f events/s "
              "(from the first batch; one transaction per batch)\n",
              static_cast<long long>(stats.handled), static_cast<long long>(stats.batches), seconds,
              seconds > 0 ? static_cast<double>(stats.handled) / seconds : 0.0);
  caf::anon_send_exit(consumer, caf::exit_reason::user_shutdown);
}

int main(int argc, char** argv) {
  bench_config cfg;
  if (auto problem = cfg.read(argc, argv); !problem.empty()) {
    std::fprintf(stderr, "chat-bench: %s\n", problem.c_str());
    return 2;
  }
  if (cfg.cli_helptext_printed)
    return 0;
  spdlog::set_level(spdlog::level::warn);
  auto settings = cfg.node();
  // Own databases, recreated, so that the benchmark never touches a node's data.
  auto& db = settings.db;
  db.messages_dsn = with_database(db.messages_dsn, database_name(db.messages_dsn) + "_bench");
  db.rooms_dsn = with_database(db.rooms_dsn, database_name(db.rooms_dsn) + "_bench");
  for (auto* dsn : {&db.messages_dsn, &db.rooms_dsn})
    recreate_database(*dsn);
  migrate(db.messages_dsn, database_kind::messages);
  migrate(db.rooms_dsn, database_kind::rooms);

  // Users and rooms.
  db_connection rooms_db{db.rooms_dsn};
  std::vector<int64_t> users;
  for (size_t i = 0; i < cfg.senders; ++i)
    users.push_back(user_queries::create(rooms_db, "bench" + std::to_string(i), "bench", "x").id);
  std::vector<int64_t> room_ids;
  for (size_t i = 0; i < cfg.rooms; ++i)
    room_ids.push_back(
      room_admin_queries::create_rooms(
        rooms_db, users.front(),
        {{"bench room", "GROUP", std::vector<int64_t>(users.begin() + 1, users.end())}})
        .front()
        .room.id);

  std::unique_ptr<embedded_kafka> kafka;
  if (cfg.embedded_kafka()) {
    kafka = std::make_unique<embedded_kafka>(static_cast<int>(settings.kafka.mock_brokers),
                                             settings.kafka.topic,
                                             static_cast<int>(settings.kafka.partitions));
    settings.kafka.brokers = kafka->bootstrap();
  }
  auto total = cfg.rooms * cfg.messages;
  // The pipeline is measured at the window asked for: the node's bound must not refuse it.
  settings.room.max_in_flight = std::max(settings.room.max_in_flight, cfg.rooms * cfg.window);
  std::printf("chat-bench: %zu rooms x %zu messages = %zu messages, %zu in flight per room, "
              "%zu senders per room\n",
              cfg.rooms, cfg.messages, total, cfg.window, cfg.senders);
  std::printf("  kafka: %s%s\n", settings.kafka.brokers.c_str(),
              kafka ? " (embedded mock cluster)" : "");
  {
    caf::actor_system sys{cfg};
    auto actors = start_node(sys, settings);
    caf::scoped_actor self{sys};
    std::vector<room_actor> rooms;
    for (auto id : room_ids)
      self->request(actors.room_manager, std::chrono::seconds(30), lookup_atom::value, id)
        .receive([&](room_actor& hdl) { rooms.push_back(hdl); },
                 [&](caf::error& err) { std::fprintf(stderr, "%s\n", describe(err).c_str()); });
    std::vector<std::vector<int64_t>> senders(rooms.size(), users);
    auto results = std::make_shared<bench_results>();
    results->latencies_us.reserve(total);
    auto started = clock_type::now();
    sys.spawn(driver, rooms, room_ids, senders, cfg.messages, cfg.window, cfg.reaction_percent,
              results, caf::actor_cast<caf::actor>(self));
    // Bounded: a message without a final status shows up here instead of a hang.
    bool done = false;
    self->receive([&](done_atom) { done = true; }, caf::after(std::chrono::seconds(300)) >> [&] {});
    if (!done) {
      std::fprintf(stderr, "chat-bench: gave up after 300 s without a final status for every "
                           "message\n");
      stop_node(actors);
      return 1;
    }
    // Fully persisted: every event of the run published to Kafka.
    auto backlog = int64_t{1};
    while (backlog > 0) {
      self->request(actors.commits, std::chrono::seconds(30), backlog_atom::value)
        .receive([&](const outbox_stats& stats) { backlog = stats.backlog; }, [&](caf::error&) {});
      if (backlog > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    auto published = clock_type::now();
    auto saved_seconds = std::chrono::duration<double>(results->finished - started).count();
    auto published_seconds = std::chrono::duration<double>(published - started).count();
    auto& counters = metrics::instance();
    std::printf("  saved:     %zu (failed %zu) in %.2f s = %.0f messages/s\n", results->saved,
                results->failed, saved_seconds,
                static_cast<double>(results->saved) / saved_seconds);
    std::printf("  published: all events in Kafka after %.2f s = %.0f messages/s fully persisted\n",
                published_seconds, static_cast<double>(results->saved) / published_seconds);
    if (results->reactions > 0)
      std::printf("  mixed:     %zu reactions through the same rooms during the send phase "
                  "(%zu %% of the operations, on top of the sends), latency p50 %.1f ms, "
                  "p99 %.1f ms\n",
                  results->reactions, cfg.reaction_percent,
                  percentile(results->reaction_latencies_us, 0.50),
                  percentile(results->reaction_latencies_us, 0.99));
    std::printf("  saga latency (send -> SAVED): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                percentile(results->latencies_us, 0.50), percentile(results->latencies_us, 0.99),
                percentile(results->latencies_us, 1.0));
    std::printf("  room commits: %lld transactions-parts for %lld messages (%.1f per commit)\n",
                static_cast<long long>(counters.room_commit_batches.load()),
                static_cast<long long>(counters.room_commit_messages.load()),
                static_cast<double>(counters.room_commit_messages.load()) /
                  static_cast<double>(std::max<int64_t>(1, counters.room_commit_batches.load())));
    for (auto kind : {change_kind::edit, change_kind::react}) {
      if (cfg.changes == 0)
        break;
      auto figures = bench::run_changes(sys, rooms, results->saved_messages, users, kind,
                                        cfg.changes, cfg.window);
      std::printf("  %s through the room actors: %zu (failed %zu) in %.2f s = %.0f/s, latency "
                  "p50 %.1f ms, p99 %.1f ms\n",
                  kind == change_kind::edit ? "edits:    " : "reactions:", figures.done,
                  figures.failed, figures.seconds,
                  figures.seconds > 0 ? static_cast<double>(figures.done) / figures.seconds : 0.0,
                  percentile(figures.latencies_us, 0.50), percentile(figures.latencies_us, 0.99));
    }
    stop_node(actors);
    streamer_rate(sys, self, db.messages_dsn, settings.kafka, static_cast<int64_t>(total));
  }
  auto raw = raw_insert_rate(db.messages_dsn, cfg.raw_rows, cfg.raw_batch);
  std::printf("  reference: raw batched inserts (%zu rows/transaction, one connection): %.0f "
              "rows/s\n",
              cfg.raw_batch, raw);
  return 0;
}
