#define CAF_SUITE scheduler

#include "actors/background/scheduler.hpp"

#include <map>
#include <memory>
#include <mutex>

#include <caf/event_based_actor.hpp>
#include <caf/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "persistence/schedules/schedule_store.hpp"
#include "protocol/clock.hpp"
#include "protocol/types/message.hpp"
#include "protocol/uuid.hpp"
#include "tests/support/database_fixture.hpp"
#include "tests/support/system_fixture.hpp"

using namespace chat;
using namespace chat::test;

namespace {

/// What the room saw: how often each tempId was admitted, and from which scheduler.
struct admissions {
  std::mutex mtx;
  std::map<std::string, int> by_temp_id;
  std::map<caf::actor_addr, int> by_sender;

  size_t distinct() {
    std::lock_guard<std::mutex> guard{mtx};
    return by_temp_id.size();
  }
};

/// A room that answers every send SAVED (a message id per tempId) and counts them.
caf::behavior counting_room(caf::event_based_actor*, std::shared_ptr<admissions> seen) {
  return {
    [=](send_atom, const chat_message& draft, const status_sink_actor& sink) {
      {
        std::lock_guard<std::mutex> guard{seen->mtx};
        ++seen->by_temp_id[draft.temp_id];
        ++seen->by_sender[sink.address()];
      }
      return make_status(draft.room_id, draft.temp_id, delivery_status::saved, 1, make_uuid());
    },
  };
}

caf::behavior fixed_directory(caf::event_based_actor*, caf::actor room) {
  return {
    [=](lookup_atom, int64_t) { return caf::actor_cast<room_actor>(room); },
  };
}

struct fixture : database_fixture, system_fixture {
  std::shared_ptr<admissions> seen = std::make_shared<admissions>();
  caf::actor room;
  caf::actor directory;
  std::vector<caf::actor> started;
  user alice;
  int64_t room_id = 0;

  fixture() {
    room = sys.spawn(counting_room, seen);
    directory = sys.spawn(fixed_directory, room);
    alice = make_user("alice");
    room_id = make_room({alice.id});
  }

  ~fixture() {
    for (auto& hdl : started)
      caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(room, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(directory, caf::exit_reason::user_shutdown);
  }

  schedule_store_actor spawn_store() {
    auto store = sys.spawn(schedule_store, store_settings{rooms_dsn, 1, 1});
    started.push_back(caf::actor_cast<caf::actor>(store));
    return store;
  }

  void spawn_scheduler(const std::string& node) {
    scheduler_settings settings;
    settings.node = node;
    settings.poll_interval = std::chrono::milliseconds(20);
    scheduler_deps deps{spawn_store(), caf::actor_cast<room_directory_actor>(directory), nullptr,
                        nullptr, [] { return now_ms(); }};
    started.push_back(caf::actor_cast<caf::actor>(sys.spawn(scheduler, settings, deps)));
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(scheduler_tests, fixture)

CAF_TEST(two schedulers racing for 1000 due occurrences send each exactly once) {
  {
    pqxx::work txn{rooms_db.get()};
    txn.exec_params("INSERT INTO scheduled_messages (sender_id, room_id, content, anchor_at, "
                    "scheduled_at) SELECT $1, $2, 'due ' || i, now() - i * interval '1 second', "
                    "now() - i * interval '1 second' FROM generate_series(1, 1000) i",
                    alice.id, room_id);
    txn.commit();
  }
  spawn_scheduler("node-a");
  spawn_scheduler("node-b");
  CAF_REQUIRE(eventually(
    [&] {
      return rooms_value("SELECT count(*) FROM scheduled_messages WHERE status = 'SENT'") == 1000;
    },
    std::chrono::seconds(60)));
  std::lock_guard<std::mutex> guard{seen->mtx};
  CAF_CHECK_EQUAL(seen->by_temp_id.size(), 1000u);
  for (auto& [temp_id, count] : seen->by_temp_id)
    if (count != 1)
      CAF_FAIL(temp_id << " was sent " << count << " times");
  for (auto& [sender, count] : seen->by_sender)
    CAF_MESSAGE("a scheduler sent " << count);
  CAF_CHECK_EQUAL(rooms_value("SELECT count(*) FROM scheduled_messages WHERE claimed_by IS NOT "
                              "NULL OR occurrence <> 1 OR last_message_id IS NULL"),
                  0);
}

CAF_TEST(a recurring schedule advances and a stale claimer changes nothing) {
  auto store = spawn_store();
  scheduled_message draft;
  draft.sender_id = alice.id;
  draft.room_id = room_id;
  draft.content = "every day";
  draft.recurrence = "DAILY";
  draft.scheduled_at = now_ms() + 3'600'000;
  auto created = call<scheduled_message>(store, schedule_atom::value, draft);
  CAF_CHECK_EQUAL(created.status, "PENDING");
  CAF_CHECK_EQUAL(created.scheduled_at, draft.scheduled_at);
  // Not due yet: nothing to claim. Due an hour later: node-a claims it, node-b finds nothing.
  auto now = draft.scheduled_at;
  CAF_CHECK(call<std::vector<scheduled_message>>(store, claim_due_atom::value,
                                                 std::string{"node-a"}, now - 1, int64_t{30000},
                                                 int32_t{10})
              .empty());
  auto claimed = call<std::vector<scheduled_message>>(
    store, claim_due_atom::value, std::string{"node-a"}, now, int64_t{30000}, int32_t{10});
  CAF_REQUIRE_EQUAL(claimed.size(), 1u);
  CAF_CHECK(call<std::vector<scheduled_message>>(store, claim_due_atom::value,
                                                 std::string{"node-b"}, now + 1000, int64_t{30000},
                                                 int32_t{10})
              .empty());
  // The owner cannot change it while its occurrence is being sent.
  schedule_change change;
  change.id = created.id;
  change.user_id = alice.id;
  change.set_content = true;
  change.content = "changed";
  CAF_CHECK_EQUAL(code_of(call_error<scheduled_message>(store, schedule_set_atom::value, change)),
                  chat_errc::conflict);
  // node-a's lease lapses; node-b takes the occurrence over and sends it.
  auto taken = call<std::vector<scheduled_message>>(
    store, claim_due_atom::value, std::string{"node-b"}, now + 31000, int64_t{30000}, int32_t{10});
  CAF_REQUIRE_EQUAL(taken.size(), 1u);
  occurrence_outcome outcome{created.id, 0,
                             true,       "00000000-0000-7000-8000-000000000001",
                             "",         draft.scheduled_at + 24 * 3600 * 1000LL};
  // node-a's late report is fenced out; node-b's counts.
  CAF_CHECK(!call<bool>(store, occurrence_done_atom::value, std::string{"node-a"}, outcome));
  CAF_CHECK(call<bool>(store, occurrence_done_atom::value, std::string{"node-b"}, outcome));
  CAF_CHECK(!call<bool>(store, occurrence_done_atom::value, std::string{"node-b"}, outcome));
  auto listed =
    call<std::vector<scheduled_message>>(store, schedules_atom::value, alice.id, int64_t{0});
  CAF_REQUIRE_EQUAL(listed.size(), 1u);
  CAF_CHECK_EQUAL(listed[0].status, "PENDING");
  CAF_CHECK_EQUAL(listed[0].occurrence, 1);
  CAF_CHECK_EQUAL(listed[0].scheduled_at, draft.scheduled_at + 24 * 3600 * 1000LL);
  CAF_CHECK_EQUAL(listed[0].last_message_id, "00000000-0000-7000-8000-000000000001");
  // Now it can change: a new time starts the series anew at occurrence 1.
  change.scheduled_at = now_ms() + 7'200'000;
  auto changed = call<scheduled_message>(store, schedule_set_atom::value, change);
  CAF_CHECK_EQUAL(changed.content, "changed");
  CAF_CHECK_EQUAL(changed.anchor_at, change.scheduled_at);
  CAF_CHECK_EQUAL(changed.anchor_occurrence, 1);
  // Cancelled, it is never claimed again; a second cancel is a conflict; another user's is
  // unknown.
  auto bob = make_user("bob");
  CAF_CHECK_EQUAL(code_of(call_error<bool>(store, schedule_cancel_atom::value, bob.id, created.id)),
                  chat_errc::not_found);
  CAF_CHECK(call<bool>(store, schedule_cancel_atom::value, alice.id, created.id));
  CAF_CHECK_EQUAL(
    code_of(call_error<bool>(store, schedule_cancel_atom::value, alice.id, created.id)),
    chat_errc::conflict);
  CAF_CHECK(call<std::vector<scheduled_message>>(store, claim_due_atom::value,
                                                 std::string{"node-a"}, now + 365LL * 86400000,
                                                 int64_t{30000}, int32_t{10})
              .empty());
}

CAF_TEST(a schedule needs a member and a starting node gives its claims back) {
  auto store = spawn_store();
  auto bob = make_user("bob");
  scheduled_message draft;
  draft.sender_id = bob.id;
  draft.room_id = room_id;
  draft.content = "not mine";
  draft.scheduled_at = now_ms() + 60'000;
  CAF_CHECK_EQUAL(code_of(call_error<scheduled_message>(store, schedule_atom::value, draft)),
                  chat_errc::not_member);
  draft.sender_id = alice.id;
  auto created = call<scheduled_message>(store, schedule_atom::value, draft);
  auto due = draft.scheduled_at;
  CAF_REQUIRE_EQUAL(call<std::vector<scheduled_message>>(store, claim_due_atom::value,
                                                         std::string{"node-a"}, due, int64_t{30000},
                                                         int32_t{10})
                      .size(),
                    1u);
  CAF_CHECK_EQUAL(call<int64_t>(store, release_claims_atom::value, std::string{"node-a"}), 1);
  // Claimable again at once, by anyone.
  auto again = call<std::vector<scheduled_message>>(
    store, claim_due_atom::value, std::string{"node-b"}, due, int64_t{30000}, int32_t{10});
  CAF_REQUIRE_EQUAL(again.size(), 1u);
  CAF_CHECK_EQUAL(again[0].id, created.id);
  // Given back with a retry time, it waits for it.
  CAF_CHECK(call<bool>(store, occurrence_retry_atom::value, std::string{"node-b"}, created.id,
                       int64_t{0}, due + 5000));
  CAF_CHECK(call<std::vector<scheduled_message>>(store, claim_due_atom::value,
                                                 std::string{"node-a"}, due + 4000, int64_t{30000},
                                                 int32_t{10})
              .empty());
  CAF_CHECK_EQUAL(call<std::vector<scheduled_message>>(store, claim_due_atom::value,
                                                       std::string{"node-a"}, due + 5000,
                                                       int64_t{30000}, int32_t{10})
                    .size(),
                  1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
