#define CAF_SUITE event_consumer

#include "actors/streamer/event_consumer.hpp"

#include <mutex>

#include <caf/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/faults/fault_points.hpp"
#include "persistence/kafka/embedded_kafka.hpp"
#include "persistence/kafka/kafka_client.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/event_json.hpp"
#include "protocol/uuid.hpp"
#include "tests/support/database_fixture.hpp"
#include "tests/support/system_fixture.hpp"

using namespace chat;
using namespace chat::test;
using json = nlohmann::json;

namespace {

struct fixture : database_fixture, system_fixture {
  embedded_kafka kafka{1, "chat.events", 3};
  std::unique_ptr<kafka_client> producer;
  std::string streamer_dsn = make_streamer_database();
  db_connection streamer_db{streamer_dsn};
  std::vector<event_consumer_actor> consumers;
  std::vector<mention_notification> pushed;
  std::mutex pushed_mutex;

  fixture() {
    kafka_settings settings;
    settings.brokers = kafka.bootstrap();
    producer = std::make_unique<kafka_client>(settings);
  }

  ~fixture() {
    fault_registry::instance().disarm_all();
    for (auto& consumer : consumers)
      stop(consumer);
    streamer_db.reset();
  }

  event_consumer_actor start(const std::string& group = "streamer-test") {
    event_consumer_settings settings;
    settings.kafka.brokers = kafka.bootstrap();
    settings.kafka.group_id = group;
    // The crash scenario waits for it (the mock cluster rebalances only after it).
    settings.kafka.session_timeout = std::chrono::seconds(6);
    settings.dsn = streamer_dsn;
    settings.batch = 100;
    settings.poll_timeout = std::chrono::milliseconds(100);
    settings.retry_backoff = std::chrono::milliseconds(50);
    auto hdl = sys.spawn<caf::detached>(event_consumer, settings,
                                        [this](const std::vector<mention_notification>& batch) {
                                          std::lock_guard<std::mutex> guard{pushed_mutex};
                                          pushed.insert(pushed.end(), batch.begin(), batch.end());
                                        });
    consumers.push_back(hdl);
    return hdl;
  }

  static outbox_event event(const char* type, int64_t room, int64_t version,
                            const std::string& message_id, const json& payload) {
    outbox_event result;
    result.event_id = make_uuid();
    result.event_type = type;
    result.room_id = room;
    result.version = version;
    result.message_id = message_id;
    result.value =
      encode_event_text(result.event_id, type, room, version, now_ms(), payload.dump());
    return result;
  }

  static outbox_event sent(int64_t room, int64_t version, const std::string& message_id) {
    return event(event_type::message_sent, room, version, message_id,
                 {{"id", message_id},
                  {"roomId", room},
                  {"seq", version},
                  {"senderId", 1},
                  {"content", "hello"},
                  {"createdAt", iso8601(now_ms())}});
  }

  static outbox_event mentioned(int64_t room, int64_t version, const std::string& message_id,
                                std::vector<int64_t> users) {
    return event(
      event_type::message_mentioned, room, version, message_id,
      {{"messageId", message_id}, {"roomId", room}, {"senderId", 1}, {"mentionedUserIds", users}});
  }

  static outbox_event retracted(int64_t room, int64_t version, const std::string& message_id) {
    return event(event_type::message_retracted, room, version, message_id,
                 {{"messageId", message_id}, {"roomId", room}, {"seq", 1}, {"senderId", 1}});
  }

  void produce(const std::vector<outbox_event>& events) {
    for (auto& report : producer->produce(events))
      CAF_REQUIRE(report.ok);
  }

  /// Waits until the consumer has taken `records` records in all.
  consumer_stats consumed(const event_consumer_actor& consumer, int64_t records) {
    consumer_stats stats;
    auto done = eventually(
      [&] {
        stats = call<consumer_stats>(consumer, stats_atom::value);
        return stats.records >= records;
      },
      std::chrono::seconds(25));
    CAF_REQUIRE(done);
    return stats;
  }

  int64_t value(const std::string& sql) {
    pqxx::work txn{streamer_db.get()};
    auto row = txn.exec1(sql);
    return row[0].is_null() ? 0 : row[0].as<int64_t>();
  }

  std::string text(const std::string& sql) {
    pqxx::work txn{streamer_db.get()};
    auto row = txn.exec1(sql);
    return row[0].is_null() ? std::string{} : row[0].as<std::string>();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(event_consumer_tests, fixture)

CAF_TEST(duplicate deliveries and rewound offsets leave the counts exact) {
  std::vector<outbox_event> events;
  std::vector<std::string> ids;
  for (int i = 1; i <= 10; ++i) {
    ids.push_back(make_uuid());
    events.push_back(sent(1, i, ids.back()));
  }
  events.push_back(mentioned(1, 11, ids[0], {5, 6}));
  events.push_back(mentioned(1, 12, ids[1], {5}));
  produce(events);
  // The same events produced a second time (a producer retry that was not deduplicated).
  produce({events[0], events[4], events[10]});
  auto first = start();
  auto stats = consumed(first, 15);
  CAF_CHECK_EQUAL(stats.handled, 12);
  CAF_CHECK_EQUAL(stats.duplicates, 3);
  CAF_CHECK_EQUAL(value("SELECT messages FROM room_metrics WHERE room_id = 1"), 10);
  CAF_CHECK_EQUAL(value("SELECT mentions FROM room_metrics WHERE room_id = 1"), 3);
  CAF_CHECK_EQUAL(value("SELECT count(*) FROM event_handled"), 12);
  CAF_CHECK_EQUAL(value("SELECT count(*) FROM mention_notifications WHERE user_id = 5"), 2);
  {
    std::lock_guard<std::mutex> guard{pushed_mutex};
    CAF_CHECK_EQUAL(pushed.size(), 3u);
  }
  // Offsets rewound: a group without committed offsets reads the topic from its start.
  auto again = start("streamer-test-rewound");
  stats = consumed(again, 15);
  CAF_CHECK_EQUAL(stats.handled, 0);
  CAF_CHECK_EQUAL(stats.duplicates, 15);
  CAF_CHECK_EQUAL(value("SELECT messages FROM room_metrics WHERE room_id = 1"), 10);
  CAF_CHECK_EQUAL(value("SELECT mentions FROM room_metrics WHERE room_id = 1"), 3);
}

CAF_TEST(an older version does not move the newest message back) {
  auto newer = make_uuid();
  auto older = make_uuid();
  produce({sent(2, 2, newer), sent(2, 1, older)});
  consumed(start(), 2);
  CAF_CHECK_EQUAL(value("SELECT messages FROM room_metrics WHERE room_id = 2"), 2);
  CAF_CHECK_EQUAL(text("SELECT last_message_id::text FROM room_metrics WHERE room_id = 2"), newer);
  CAF_CHECK_EQUAL(value("SELECT last_version FROM room_metrics WHERE room_id = 2"), 2);
}

CAF_TEST(a retraction undoes its message even when it arrives first) {
  auto kept = make_uuid();
  auto undone = make_uuid();
  auto early = make_uuid();
  produce({sent(3, 1, kept), sent(3, 2, undone), mentioned(3, 3, undone, {7}),
           retracted(3, 4, undone), retracted(3, 5, early), sent(3, 6, early),
           mentioned(3, 7, early, {7})});
  consumed(start(), 7);
  CAF_CHECK_EQUAL(value("SELECT messages FROM room_metrics WHERE room_id = 3"), 1);
  CAF_CHECK_EQUAL(value("SELECT mentions FROM room_metrics WHERE room_id = 3"), 0);
  CAF_CHECK_EQUAL(value("SELECT count(*) FROM mention_notifications"), 0);
}

CAF_TEST(a crash between the store commit and the offset commit redelivers without effect) {
  fault_spec crash_once;
  crash_once.action = fault_action::crash;
  crash_once.remaining = 1;
  fault_registry::instance().arm(fault_point::streamer_offsets, crash_once);
  std::vector<outbox_event> events;
  for (int i = 1; i <= 5; ++i)
    events.push_back(sent(4, i, make_uuid()));
  produce(events);
  auto crashing = start();
  self->monitor(crashing);
  self->receive([](const caf::down_msg&) {});
  CAF_CHECK_EQUAL(value("SELECT messages FROM room_metrics WHERE room_id = 4"), 5);
  // The next member of the group gets the uncommitted records again.
  auto stats = consumed(start(), 5);
  CAF_CHECK_EQUAL(stats.handled, 0);
  CAF_CHECK_EQUAL(stats.duplicates, 5);
  CAF_CHECK_EQUAL(value("SELECT messages FROM room_metrics WHERE room_id = 4"), 5);
}

CAF_TEST(a deleted message is counted out once; edits reactions and pins change no count) {
  auto kept = make_uuid();
  auto deleted = make_uuid();
  auto message = [](const std::string& id, bool is_deleted) {
    return json{{"id", id},
                {"roomId", 6},
                {"seq", 1},
                {"senderId", 1},
                {"content", is_deleted ? "" : "edited"},
                {"deleted", is_deleted},
                {"createdAt", iso8601(now_ms())}};
  };
  auto reaction = [](const std::string& id) {
    return json{{"messageId", id}, {"userId", 2}, {"reaction", "+1"}};
  };
  auto deletion = event(event_type::message_deleted, 6, 7, deleted, message(deleted, true));
  produce({sent(6, 1, kept), sent(6, 2, deleted), mentioned(6, 3, deleted, {9}),
           event(event_type::message_edited, 6, 4, kept, message(kept, false)),
           event(event_type::reaction_added, 6, 5, kept, reaction(kept)),
           event(event_type::message_pinned, 6, 6, kept, {{"messageId", kept}, {"userId", 2}}),
           deletion, event(event_type::reaction_removed, 6, 8, kept, reaction(kept))});
  // The deletion delivered again, and a second deletion event of the same message.
  produce({deletion, event(event_type::message_deleted, 6, 9, deleted, message(deleted, true))});
  auto stats = consumed(start(), 10);
  CAF_CHECK_EQUAL(stats.dead, 0);
  CAF_CHECK_EQUAL(stats.handled, 9);
  CAF_CHECK_EQUAL(value("SELECT messages FROM room_metrics WHERE room_id = 6"), 1);
  CAF_CHECK_EQUAL(value("SELECT mentions FROM room_metrics WHERE room_id = 6"), 0);
  CAF_CHECK_EQUAL(value("SELECT last_version FROM room_metrics WHERE room_id = 6"), 9);
  CAF_CHECK_EQUAL(value("SELECT count(*) FROM mention_notifications WHERE user_id = 9"), 0);
}

CAF_TEST(room events count members once each and mark a deleted room) {
  auto member = [](const char* type, int64_t version, int64_t user) {
    return event(type, 7, version, "", {{"roomId", 7}, {"userId", user}});
  };
  auto joined = member(event_type::member_joined, 2, 11);
  produce({member(event_type::member_joined, 1, 10), joined,
           member(event_type::member_joined, 3, 12),
           event(event_type::room_updated, 7, 4, "", {{"roomId", 7}, {"change", "DETAILS"}}),
           member(event_type::member_left, 5, 12)});
  // A MemberJoined delivered twice counts once.
  produce({joined});
  auto stats = consumed(start(), 6);
  CAF_CHECK_EQUAL(stats.dead, 0);
  CAF_CHECK_EQUAL(stats.handled, 5);
  CAF_CHECK_EQUAL(value("SELECT members FROM room_metrics WHERE room_id = 7"), 2);
  CAF_CHECK_EQUAL(
    value("SELECT count(*) FROM room_metrics WHERE room_id = 7 AND deleted_at IS NULL"), 1);
  produce({member(event_type::member_left, 6, 10), member(event_type::member_left, 7, 11),
           event(event_type::room_deleted, 7, 8, "", {{"roomId", 7}, {"deletedBy", 10}})});
  stats = consumed(consumers.back(), 9);
  CAF_CHECK_EQUAL(stats.dead, 0);
  CAF_CHECK_EQUAL(value("SELECT members FROM room_metrics WHERE room_id = 7"), 0);
  CAF_CHECK_EQUAL(value("SELECT last_version FROM room_metrics WHERE room_id = 7"), 8);
  CAF_CHECK_EQUAL(
    value("SELECT count(*) FROM room_metrics WHERE room_id = 7 AND deleted_at IS NOT NULL"), 1);
}

CAF_TEST(a poison event goes to the dead letters and the partition goes on) {
  outbox_event poison;
  poison.event_id = make_uuid();
  poison.event_type = event_type::message_sent;
  poison.room_id = 5;
  poison.version = 1;
  poison.value = "{\"eventId\": \"not json";
  auto after = sent(5, 2, make_uuid());
  produce({poison, after});
  auto stats = consumed(start(), 2);
  CAF_CHECK_EQUAL(stats.dead, 1);
  CAF_CHECK_EQUAL(stats.handled, 1);
  CAF_CHECK_EQUAL(value("SELECT count(*) FROM streamer_dead_letters"), 1);
  CAF_CHECK_EQUAL(value("SELECT messages FROM room_metrics WHERE room_id = 5"), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
