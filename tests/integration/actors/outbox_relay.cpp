#define CAF_SUITE outbox_relay

#include "actors/background/outbox_relay.hpp"

#include <set>

#include <caf/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/faults/fault_points.hpp"
#include "persistence/kafka/embedded_kafka.hpp"
#include "persistence/kafka/kafka_reader.hpp"
#include "persistence/rooms/commit_store.hpp"
#include "protocol/clock.hpp"
#include "protocol/types/room_commit.hpp"
#include "protocol/uuid.hpp"
#include "tests/support/database_fixture.hpp"
#include "tests/support/system_fixture.hpp"

using namespace chat;
using namespace chat::test;
using json = nlohmann::json;

namespace {

struct fixture : database_fixture, system_fixture {
  embedded_kafka kafka{1, "chat.events", 3};
  commit_store_actor rooms;
  outbox_relay_actor relay;
  relay_settings settings;
  int64_t room_id = 0;
  int64_t epoch = 0;
  user alice;
  user bob;
  int64_t next_seq = 1;

  fixture() {
    rooms = sys.spawn(commit_store, store_settings{rooms_dsn, 2, 64});
    alice = make_user("alice");
    bob = make_user("bob");
    room_id = make_room({alice.id, bob.id});
    // These tests follow message events: the creation's two MemberJoined events (versions 1
    // and 2) are taken as published before the relay starts.
    pqxx::work txn{rooms_db.get()};
    txn.exec("DELETE FROM outbox WHERE event_type = 'MemberJoined'");
    txn.commit();
    epoch =
      call<room_claim>(rooms, claim_atom::value, room_id, std::string{"node-a"}).room.owner_epoch;
    settings.batch = 50;
    settings.poll_interval = std::chrono::milliseconds(200);
    settings.retry_backoff = std::chrono::milliseconds(50);
    settings.max_attempts = 3;
  }

  ~fixture() {
    fault_registry::instance().disarm_all();
    stop(rooms, relay);
  }

  void start_relay() {
    kafka_settings producer;
    producer.brokers = kafka.bootstrap();
    producer.delivery_timeout = std::chrono::seconds(5);
    relay = sys.spawn(outbox_relay, settings, producer, rooms_dsn);
  }

  void commit(int n, std::vector<int64_t> mentions = {}) {
    std::vector<chat_message> batch;
    for (int i = 0; i < n; ++i) {
      chat_message msg;
      msg.id = make_uuid();
      msg.room_id = room_id;
      msg.seq = next_seq++;
      msg.sender_id = alice.id;
      msg.temp_id = "t" + std::to_string(msg.seq);
      msg.content = "hello \"kafka\" " + std::to_string(msg.seq);
      msg.mentions = mentions;
      msg.created_at = now_ms();
      batch.push_back(msg);
    }
    call<commit_result>(rooms, commit_atom::value, room_commit{room_id, epoch, batch});
  }

  int64_t backlog() { return rooms_value("SELECT count(*) FROM outbox"); }

  std::vector<kafka_record> topic() {
    return read_topic(kafka.bootstrap(), "chat.events", std::chrono::seconds(20));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(outbox_relay_tests, fixture)

CAF_TEST(events reach the topic with key headers and the contract JSON) {
  start_relay();
  commit(3);
  commit(1, {bob.id});
  CAF_REQUIRE(eventually([&] { return backlog() == 0; }));
  auto records = topic();
  CAF_REQUIRE_EQUAL(records.size(), 5u);
  std::set<std::string> event_ids;
  std::vector<int64_t> versions;
  for (auto& record : records) {
    CAF_CHECK_EQUAL(record.key, std::to_string(room_id));
    auto value = json::parse(record.value);
    CAF_CHECK_EQUAL(record.headers["eventId"], value["eventId"].get<std::string>());
    CAF_CHECK(is_uuid(record.headers["eventId"]));
    CAF_CHECK_EQUAL(record.headers["eventType"], value["eventType"].get<std::string>());
    CAF_CHECK_EQUAL(record.headers["version"], std::to_string(value["version"].get<int64_t>()));
    CAF_CHECK_EQUAL(value["roomId"], room_id);
    CAF_CHECK(value["occurredAt"].is_string());
    event_ids.insert(record.headers["eventId"]);
    versions.push_back(value["version"]);
    if (value["eventType"] == "MessageSent") {
      CAF_CHECK_EQUAL(value["payload"]["roomId"], room_id);
      CAF_CHECK_EQUAL(value["payload"]["senderId"], alice.id);
      CAF_CHECK(value["payload"]["content"].get<std::string>().find("\"kafka\"") !=
                std::string::npos);
    } else {
      CAF_CHECK_EQUAL(value["eventType"], "MessageMentioned");
      CAF_CHECK_EQUAL(value["payload"]["mentionedUserIds"], json::array({bob.id}));
    }
  }
  CAF_CHECK_EQUAL(event_ids.size(), 5u);
  // One key, one partition: the room's versions arrive strictly increasing.
  CAF_CHECK_EQUAL(versions, (std::vector<int64_t>{3, 4, 5, 6, 7}));
}

CAF_TEST(rows committed while the relay runs are published without waiting for the poll) {
  settings.poll_interval = std::chrono::seconds(60); // only NOTIFY can wake it in time
  start_relay();
  CAF_REQUIRE(
    eventually([&] { return call<relay_stats>(relay, stats_atom::value).published == 0; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the first poll is over
  commit(2);
  CAF_CHECK(eventually([&] { return backlog() == 0; }, std::chrono::seconds(10)));
}

CAF_TEST(produce errors are retried until every event is out exactly once) {
  kafka.fail_next_produces(5);
  start_relay();
  commit(20);
  CAF_REQUIRE(eventually([&] { return backlog() == 0; }));
  auto records = topic();
  std::set<std::string> ids;
  for (auto& record : records)
    ids.insert(record.headers["eventId"]);
  CAF_CHECK_EQUAL(records.size(), 20u);
  CAF_CHECK_EQUAL(ids.size(), 20u);
}

CAF_TEST(the events of a room reach the topic in version order after a failed publish) {
  settings.retry_backoff = std::chrono::seconds(2);
  fault_spec once;
  once.remaining = 1;
  fault_registry::instance().arm(fault_point::kafka_produce, once);
  start_relay();
  commit(3);
  // The first publication of versions 3..5 failed; they wait for their retry.
  CAF_REQUIRE(
    eventually([&] { return rooms_value("SELECT count(*) FROM outbox WHERE attempts > 0") == 3; }));
  commit(3); // versions 6..8, due at once: they must not overtake 3..5
  CAF_REQUIRE(eventually([&] { return backlog() == 0; }, std::chrono::seconds(30)));
  std::vector<int64_t> versions;
  for (auto& record : topic())
    versions.push_back(json::parse(record.value)["version"].get<int64_t>());
  CAF_CHECK_EQUAL(versions, (std::vector<int64_t>{3, 4, 5, 6, 7, 8}));
}

CAF_TEST(an event that keeps failing moves to dead letters) {
  fault_registry::instance().arm(fault_point::kafka_produce, fault_spec{});
  start_relay();
  commit(1);
  CAF_REQUIRE(
    eventually([&] { return rooms_value("SELECT count(*) FROM outbox_dead_letters") == 1; }));
  CAF_CHECK_EQUAL(rooms_value("SELECT attempts FROM outbox_dead_letters"), 3);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM outbox"), 0);
  fault_registry::instance().disarm_all();
  commit(1);
  CAF_CHECK(eventually([&] { return backlog() == 0; }));
  CAF_CHECK_EQUAL(topic().size(), 1u);
}

CAF_TEST(brokers down : the backlog waits and then drains) {
  start_relay();
  kafka.set_broker_down(1, true);
  commit(10);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  CAF_CHECK_EQUAL(backlog(), 10);
  kafka.set_broker_down(1, false);
  CAF_REQUIRE(eventually([&] { return backlog() == 0; }, std::chrono::seconds(30)));
  std::set<std::string> ids;
  auto records = topic();
  for (auto& record : records)
    ids.insert(record.headers["eventId"]);
  CAF_CHECK_EQUAL(ids.size(), 10u);
}

CAF_TEST_FIXTURE_SCOPE_END()
