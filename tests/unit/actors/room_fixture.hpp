// The room suites' fixture: a room actor on the deterministic test coordinator, with typed
// fakes of the stores and the subscribers.
#pragma once

#include "actors/room/room.hpp"

#include "actors/room/room_manager.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/unit/fakes.hpp"

#include "protocol/errors.hpp"
#include "protocol/uuid.hpp"

namespace chat::test {

using statuses = std::vector<delivery_status>;

struct room_fixture : actor_fixture {
  fake_backend backend;
  message_store_actor messages;
  commit_store_actor commits;
  status_sink_actor sink;
  subscriber_actor subscriber;
  room_settings settings;
  std::vector<caf::actor> started;

  room_fixture() {
    backend.room.id = 7;
    backend.members = {room_member{42, 0}, room_member{43, 0}};
    messages = sys.spawn(fake_message_store, &backend);
    commits = sys.spawn(fake_commit_store, &backend);
    sink = sys.spawn(fake_sink, &backend);
    subscriber = sys.spawn(fake_subscriber, &backend);
    settings.idle_timeout = std::chrono::seconds(60);
    settings.saga.step_timeout = std::chrono::seconds(5);
    settings.saga.compensation_attempts = 2;
    for (auto hdl : {caf::actor_cast<caf::actor>(messages), caf::actor_cast<caf::actor>(commits),
                     caf::actor_cast<caf::actor>(sink), caf::actor_cast<caf::actor>(subscriber)})
      started.push_back(hdl);
  }

  ~room_fixture() override {
    for (auto& hdl : started)
      caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
    backend.clear();
    run_all();
  }

  room_actor spawn_room(room_manager_actor manager = {}, subscriber_actor fanout = {}) {
    auto hdl = sys.spawn(room, int64_t{7}, settings, room_deps{messages, commits, manager, fanout});
    started.push_back(caf::actor_cast<caf::actor>(hdl));
    sched.run();
    return hdl;
  }

  chat_message draft(const std::string& temp_id, int64_t sender = 42) {
    chat_message msg;
    msg.room_id = 7;
    msg.sender_id = sender;
    msg.temp_id = temp_id;
    msg.content = "hi " + temp_id;
    return msg;
  }

  /// Requests from the test's own actor: runs the system, then takes the reply.
  template <class T, class Handle, class... Ts> T ask(const Handle& hdl, Ts... xs) {
    T result{};
    auto pending = self->request(hdl, caf::infinite, xs...);
    sched.run();
    pending.receive([&](T& x) { result = std::move(x); },
                    [&](caf::error& err) { CAF_FAIL("request failed: " << sys.render(err)); });
    return result;
  }

  /// Sends a message to the room and returns the admission reply.
  status_event send(const room_actor& hdl, const chat_message& msg,
                    status_sink_actor to = status_sink_actor{}) {
    return ask<status_event>(hdl, send_atom::value, msg, to ? to : sink);
  }

  int64_t subscribe(const room_actor& hdl) {
    return ask<int64_t>(hdl, subscribe_atom::value, subscriber);
  }

  /// A subscribed room where "a" (seq 1) ended undecided: committed, then finalize and every
  /// compensation step failed, the dead letter too. "b" (seq 2) was saved after it.
  room_actor undecided_then_saved() {
    settings.undecided_recheck = std::chrono::seconds(1);
    auto hdl = spawn_room();
    subscribe(hdl);
    backend.then("finalize", {fake_reply::fail});
    backend.repeat("resolve", fake_reply::fail, 2);
    backend.repeat("mark", fake_reply::fail, 2);
    backend.then("dead", {fake_reply::fail});
    for (auto temp : {"a", "b"})
      send(hdl, draft(temp));
    sched.run();
    // The second abort attempt, after the backoff.
    sched.advance_time(settings.saga.compensation_backoff);
    sched.run();
    CAF_REQUIRE_EQUAL(backend.calls.back(), "dead");
    CAF_CHECK(backend.statuses_of("a").empty());
    return hdl;
  }

  room_state& state_of(const room_actor& hdl) {
    return deref<std::remove_pointer_t<room_actor::stateful_pointer<room_state>>>(hdl).state;
  }

  std::vector<int64_t> broadcast_seqs() const {
    std::vector<int64_t> result;
    for (auto& event : backend.broadcasts)
      result.push_back(event.seq);
    return result;
  }
};

} // namespace chat::test
