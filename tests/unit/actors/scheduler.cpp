#define CAF_SUITE scheduler

#include "actors/background/scheduler.hpp"

#include <map>
#include <set>

#include "tests/support/actor_fixture.hpp"

#include "protocol/errors.hpp"
#include "protocol/recurrence.hpp"
#include "protocol/types/message.hpp"

using namespace chat;
using namespace chat::test;

namespace {

constexpr int64_t day_ms = 24 * 3600 * 1000LL;
constexpr int64_t start_ms = 1'800'000'000'000; // the test clock's start

/// A schedule store: hands out what is due at the caller's time, once per claim, and keeps
/// what the scheduler reports.
struct store_state {
  std::vector<scheduled_message> schedules;
  std::set<int64_t> claimed;
  std::vector<std::string> released_nodes;
  std::vector<occurrence_outcome> done;
  /// (schedule, occurrence, retry at)
  std::vector<std::tuple<int64_t, int64_t, int64_t>> retried;
};

schedule_store_actor::behavior_type
fake_schedule_store(schedule_store_actor::stateful_pointer<store_state> self) {
  auto unused = [] { return make_error(chat_errc::internal, "not for the scheduler"); };
  return {
    [=](schedule_atom, scheduled_message&) -> caf::result<scheduled_message> { return unused(); },
    [=](schedules_atom, int64_t, int64_t) -> caf::result<std::vector<scheduled_message>> {
      return unused();
    },
    [=](schedule_set_atom, schedule_change&) -> caf::result<scheduled_message> { return unused(); },
    [=](schedule_cancel_atom, int64_t, int64_t) -> caf::result<bool> { return unused(); },
    [=](claim_due_atom, const std::string&, int64_t now, int64_t,
        int32_t limit) -> std::vector<scheduled_message> {
      std::vector<scheduled_message> due;
      for (auto& x : self->state.schedules)
        if (x.status == "PENDING" && x.scheduled_at <= now &&
            self->state.claimed.count(x.id) == 0 && due.size() < static_cast<size_t>(limit)) {
          self->state.claimed.insert(x.id);
          due.push_back(x);
        }
      return due;
    },
    [=](occurrence_done_atom, const std::string&, occurrence_outcome& outcome) {
      self->state.done.push_back(outcome);
      self->state.claimed.erase(outcome.id);
      for (auto& x : self->state.schedules)
        if (x.id == outcome.id) {
          ++x.occurrence;
          x.status = !outcome.sent ? "FAILED" : outcome.next_at != 0 ? "PENDING" : "SENT";
          if (outcome.next_at != 0)
            x.scheduled_at = outcome.next_at;
        }
      return true;
    },
    [=](occurrence_retry_atom, const std::string&, int64_t id, int64_t occurrence,
        int64_t retry_at) {
      self->state.retried.emplace_back(id, occurrence, retry_at);
      self->state.claimed.erase(id);
      return true;
    },
    [=](release_claims_atom, const std::string& node) {
      self->state.released_nodes.push_back(node);
      return int64_t{0};
    },
  };
}

/// A room that answers each send as its script says (by tempId; SAVED when not scripted) and
/// keeps the tempIds in the order it admitted them.
struct room_state {
  std::map<std::string, status_event> script;
  std::vector<std::string> admitted;
};

caf::behavior fake_room(caf::stateful_actor<room_state>* self) {
  return {
    [=](send_atom, const chat_message& draft, const status_sink_actor&) {
      self->state.admitted.push_back(draft.temp_id);
      auto i = self->state.script.find(draft.temp_id);
      if (i != self->state.script.end())
        return i->second;
      auto status =
        make_status(draft.room_id, draft.temp_id, delivery_status::saved, 1, "m-" + draft.temp_id);
      return status;
    },
  };
}

caf::behavior fake_directory(caf::event_based_actor*, caf::actor room) {
  return {
    [=](lookup_atom, int64_t room_id) -> caf::result<room_actor> {
      if (room_id == 404)
        return make_error(chat_errc::not_found, "room 404 does not exist");
      return caf::actor_cast<room_actor>(room);
    },
  };
}

scheduled_message schedule(int64_t id, int64_t sender, int64_t due, std::string recurrence = {}) {
  scheduled_message x;
  x.id = id;
  x.sender_id = sender;
  x.room_id = 7;
  x.content = "scheduled " + std::to_string(id);
  x.recurrence = std::move(recurrence);
  x.anchor_at = due;
  x.scheduled_at = due;
  x.status = "PENDING";
  return x;
}

struct fixture : actor_fixture {
  int64_t clock_ms = start_ms;
  std::map<int64_t, int> budget; // sends a sender may still make; absent: unlimited
  std::vector<std::pair<int64_t, status_event>> told;
  schedule_store_actor store;
  caf::actor room;
  caf::actor directory;
  scheduler_actor scheduler_hdl;
  scheduler_settings settings;

  fixture() {
    settings.node = "node-a";
    store = sys.spawn(fake_schedule_store);
    room = sys.spawn(fake_room);
    directory = sys.spawn(fake_directory, room);
    sched.run();
  }

  ~fixture() override {
    for (auto hdl : {caf::actor_cast<caf::actor>(scheduler_hdl), caf::actor_cast<caf::actor>(store),
                     room, directory})
      if (hdl)
        caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start() {
    scheduler_deps deps{
      store, caf::actor_cast<room_directory_actor>(directory),
      [this](int64_t sender) {
        auto i = budget.find(sender);
        if (i == budget.end())
          return true;
        if (i->second == 0)
          return false;
        --i->second;
        return true;
      },
      [this](int64_t sender, const status_event& status) { told.emplace_back(sender, status); },
      [this] { return clock_ms; }};
    scheduler_hdl = sys.spawn(scheduler, settings, std::move(deps));
  }

  /// One poll: the tick timer fires and everything it starts runs.
  void poll() {
    clock_ms += 200;
    sched.clock().trigger_timeout();
    sched.run();
  }

  store_state& stored() {
    return deref<schedule_store_actor::stateful_base<store_state>>(store).state;
  }

  room_state& room_of() { return deref<caf::stateful_actor<room_state>>(room).state; }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(scheduler_tests, fixture)

CAF_TEST(the claims of the previous run go back before the first claim) {
  start();
  sched.run_once(); // the scheduler starts: asks the store to release, ticks itself
  expect((release_claims_atom, std::string), from(scheduler_hdl).to(store).with(_, "node-a"));
  expect((int64_t), from(store).to(scheduler_hdl));
  expect((claim_due_atom, std::string, int64_t, int64_t, int32_t),
         from(scheduler_hdl).to(store).with(_, "node-a", start_ms, int64_t{30000}, int32_t{32}));
  sched.run();
  CAF_CHECK_EQUAL(stored().released_nodes, std::vector<std::string>{"node-a"});
}

CAF_TEST(a due occurrence is sent once through its room and the next one is recorded) {
  stored().schedules.push_back(schedule(1, 5, start_ms - 1000, "DAILY"));
  stored().schedules.push_back(schedule(2, 5, start_ms + 60'000)); // not due yet
  start();
  sched.run();
  CAF_CHECK_EQUAL(room_of().admitted, std::vector<std::string>{"schedule:1:0"});
  CAF_REQUIRE_EQUAL(stored().done.size(), 1u);
  auto& outcome = stored().done[0];
  CAF_CHECK_EQUAL(outcome.id, 1);
  CAF_CHECK_EQUAL(outcome.occurrence, 0);
  CAF_CHECK(outcome.sent);
  CAF_CHECK_EQUAL(outcome.message_id, "m-schedule:1:0");
  CAF_CHECK_EQUAL(outcome.next_at, start_ms - 1000 + day_ms);
  CAF_REQUIRE_EQUAL(told.size(), 1u);
  CAF_CHECK_EQUAL(told[0].first, 5);
  CAF_CHECK(told[0].second.status == delivery_status::saved);
  // Polls before the second one is due send nothing more.
  for (int i = 0; i < 5; ++i)
    poll();
  CAF_CHECK_EQUAL(room_of().admitted.size(), 1u);
  // The second is due after a minute: sent as a single occurrence (no next).
  clock_ms = start_ms + 60'000;
  poll();
  CAF_CHECK_EQUAL(room_of().admitted, (std::vector<std::string>{"schedule:1:0", "schedule:2:0"}));
  CAF_REQUIRE_EQUAL(stored().done.size(), 2u);
  CAF_CHECK_EQUAL(stored().done[1].next_at, 0);
}

CAF_TEST(a backlog goes oldest first within the budget of each sender) {
  for (int64_t id = 1; id <= 6; ++id)
    stored().schedules.push_back(schedule(id, id <= 4 ? 5 : 6, start_ms - 10'000 + id));
  budget[5] = 2; // sender 5 may send two now
  start();
  sched.run();
  CAF_CHECK_EQUAL(room_of().admitted, (std::vector<std::string>{"schedule:1:0", "schedule:2:0",
                                                                "schedule:5:0", "schedule:6:0"}));
  poll(); // still no budget: sender 5's rest waits, in order
  CAF_CHECK_EQUAL(room_of().admitted.size(), 4u);
  budget[5] = 1;
  poll();
  budget[5] = 1;
  poll();
  CAF_CHECK_EQUAL(room_of().admitted,
                  (std::vector<std::string>{"schedule:1:0", "schedule:2:0", "schedule:5:0",
                                            "schedule:6:0", "schedule:3:0", "schedule:4:0"}));
  CAF_CHECK_EQUAL(stored().done.size(), 6u);
}

CAF_TEST(a sender who left the room fails for good and an unavailable room is tried again) {
  stored().schedules.push_back(schedule(1, 5, start_ms - 10));
  stored().schedules.push_back(schedule(2, 5, start_ms - 5));
  auto left = make_status(7, "schedule:1:0", delivery_status::failed);
  left.error_code = wire_code(chat_errc::not_member);
  room_of().script["schedule:1:0"] = left;
  auto down = make_status(7, "schedule:2:0", delivery_status::failed);
  down.error_code = wire_code(chat_errc::unavailable);
  room_of().script["schedule:2:0"] = down;
  start();
  sched.run();
  CAF_REQUIRE_EQUAL(stored().done.size(), 1u);
  CAF_CHECK_EQUAL(stored().done[0].id, 1);
  CAF_CHECK(!stored().done[0].sent);
  CAF_CHECK_EQUAL(stored().done[0].error_code, "NOT_MEMBER");
  CAF_REQUIRE_EQUAL(stored().retried.size(), 1u);
  CAF_CHECK_EQUAL(std::get<0>(stored().retried[0]), 2);
  CAF_CHECK_EQUAL(std::get<2>(stored().retried[0]), start_ms + 2000);
  // The sender hears the final FAILED, not the one that is tried again.
  CAF_REQUIRE_EQUAL(told.size(), 1u);
  CAF_CHECK_EQUAL(told[0].second.temp_id, "schedule:1:0");
}

CAF_TEST(an occurrence of a deleted room fails for good) {
  auto gone = schedule(1, 5, start_ms - 10);
  gone.room_id = 404;
  stored().schedules.push_back(gone);
  start();
  sched.run();
  CAF_REQUIRE_EQUAL(stored().done.size(), 1u);
  CAF_CHECK_EQUAL(stored().done[0].error_code, "NOT_FOUND");
  CAF_CHECK(room_of().admitted.empty());
}

CAF_TEST(an occurrence without a final status in time is given back) {
  stored().schedules.push_back(schedule(1, 5, start_ms - 10));
  room_of().script["schedule:1:0"] = make_status(7, "schedule:1:0", delivery_status::processing);
  start();
  sched.run();
  CAF_CHECK(stored().done.empty());
  // Polls until the fire timeout (15 s of test time) passes.
  for (int i = 0; i < 200 && stored().retried.empty(); ++i)
    poll();
  CAF_REQUIRE_EQUAL(stored().retried.size(), 1u);
  CAF_CHECK_EQUAL(std::get<1>(stored().retried[0]), 0);
  // A late SAVED of the given-back occurrence changes nothing here: the next claimer sends it
  // again under the same tempId, which the room answers as a duplicate.
  caf::anon_send(scheduler_hdl, make_status(7, "schedule:1:0", delivery_status::saved, 1, "m"));
  sched.run();
  CAF_CHECK(stored().done.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
