#define CAF_SUITE room

#include "tests/unit/actors/room_fixture.hpp"

using namespace chat;
using namespace chat::test;

CAF_TEST_FIXTURE_SCOPE(room_tests, room_fixture)

CAF_TEST(messages get consecutive seqs and are delivered in order) {
  auto hdl = spawn_room();
  CAF_CHECK_EQUAL(subscribe(hdl), 0);
  for (int i = 1; i <= 3; ++i) {
    auto admission = send(hdl, draft("t" + std::to_string(i)));
    CAF_CHECK_EQUAL(admission.status, delivery_status::processing);
    CAF_CHECK_EQUAL(admission.seq, i);
  }
  sched.run();
  CAF_CHECK_EQUAL(broadcast_seqs(), (std::vector<int64_t>{1, 2, 3}));
  for (int i = 1; i <= 3; ++i)
    CAF_CHECK_EQUAL(backend.statuses_of("t" + std::to_string(i)), statuses{delivery_status::saved});
  CAF_CHECK_EQUAL(backend.room.last_seq, 3);
}

CAF_TEST(a non member is rejected without a saga) {
  auto hdl = spawn_room();
  auto admission = send(hdl, draft("x", 99));
  CAF_CHECK_EQUAL(admission.status, delivery_status::failed);
  CAF_CHECK_EQUAL(admission.error_code, "NOT_MEMBER");
  sched.run();
  CAF_CHECK_EQUAL(backend.count("insert"), 0u);
}

CAF_TEST(the same tempId is admitted once) {
  auto hdl = spawn_room();
  auto other_sink = sys.spawn(fake_sink, &backend);
  started.push_back(caf::actor_cast<caf::actor>(other_sink));
  backend.then("insert", {fake_reply::hold});
  auto first = send(hdl, draft("dup"));
  auto second = send(hdl, draft("dup"), other_sink);
  CAF_CHECK_EQUAL(first.status, delivery_status::processing);
  CAF_CHECK_EQUAL(second.status, delivery_status::processing);
  CAF_CHECK_EQUAL(second.seq, first.seq);
  backend.release();
  sched.run();
  CAF_CHECK_EQUAL(backend.count("insert"), 1u);
  // Both senders learn that it was saved.
  CAF_CHECK_EQUAL(backend.statuses_of("dup"),
                  (statuses{delivery_status::saved, delivery_status::saved}));
  auto third = send(hdl, draft("dup"));
  CAF_CHECK_EQUAL(third.status, delivery_status::saved);
  CAF_CHECK_EQUAL(third.seq, first.seq);
  CAF_CHECK_EQUAL(third.persisted_id, backend.statuses.front().persisted_id);
  sched.run();
  CAF_CHECK_EQUAL(backend.count("insert"), 1u);
  // Another sender's identical tempId is a different message.
  auto other = send(hdl, draft("dup", 43));
  CAF_CHECK_EQUAL(other.seq, first.seq + 1);
}

CAF_TEST(a later message waits for an earlier one to resolve) {
  auto hdl = spawn_room();
  subscribe(hdl);
  backend.then("finalize", {fake_reply::hold});
  for (auto temp : {"a", "b", "c"})
    send(hdl, draft(temp));
  sched.run();
  // b and c are saved, but nothing is delivered before a.
  CAF_CHECK_EQUAL(backend.statuses_of("b"), statuses{delivery_status::saved});
  CAF_CHECK_EQUAL(backend.statuses_of("c"), statuses{delivery_status::saved});
  CAF_CHECK(backend.broadcasts.empty());
  backend.release();
  sched.run();
  CAF_CHECK_EQUAL(broadcast_seqs(), (std::vector<int64_t>{1, 2, 3}));
}

CAF_TEST(a failed message leaves a gap and does not block later ones) {
  auto hdl = spawn_room();
  subscribe(hdl);
  backend.then("insert", {fake_reply::ok, fake_reply::fail, fake_reply::ok});
  for (auto temp : {"a", "b", "c"})
    send(hdl, draft(temp));
  sched.run();
  CAF_CHECK_EQUAL(backend.statuses_of("b"), statuses{delivery_status::failed});
  CAF_CHECK_EQUAL(broadcast_seqs(), (std::vector<int64_t>{1, 3}));
  // A failed tempId may be sent again.
  auto retry = send(hdl, draft("b"));
  CAF_CHECK_EQUAL(retry.status, delivery_status::processing);
  CAF_CHECK_EQUAL(retry.seq, 4);
  sched.run();
  CAF_CHECK_EQUAL(backend.statuses_of("b"),
                  (statuses{delivery_status::failed, delivery_status::saved}));
}

CAF_TEST(an undecided message holds later deliveries until recovery decides it) {
  auto hdl = undecided_then_saved();
  CAF_CHECK_EQUAL(backend.statuses_of("b"), statuses{delivery_status::saved});
  // No gap: "b" (seq 2) waits behind "a".
  CAF_CHECK(broadcast_seqs().empty());
  // A re-send meanwhile (another session of the sender) is told PROCESSING and waits too.
  auto other_sink = sys.spawn(fake_sink, &backend);
  started.push_back(caf::actor_cast<caf::actor>(other_sink));
  CAF_CHECK_EQUAL(send(hdl, draft("a"), other_sink).status, delivery_status::processing);
  // The store still holds "a" pending: asked again later.
  backend.then("find", {fake_reply::ok});
  sched.advance_time(settings.undecided_recheck);
  sched.run();
  CAF_CHECK(backend.statuses_of("a").empty());
  // Recovery finishes it forward (its room commit exists).
  for (auto& [id, msg] : backend.messages)
    if (msg.temp_id == "a")
      msg.state = message_state::committed;
  sched.advance_time(settings.undecided_recheck);
  sched.run();
  CAF_CHECK_EQUAL(backend.statuses_of("a"),
                  (statuses{delivery_status::saved, delivery_status::saved}));
  CAF_CHECK_EQUAL(broadcast_seqs(), (std::vector<int64_t>{1, 2}));
}

CAF_TEST(an undecided message that recovery removed is reported FAILED) {
  auto hdl = undecided_then_saved();
  // Recovery compensates "a": its message is gone.
  backend.messages.clear();
  sched.advance_time(settings.undecided_recheck);
  sched.run();
  CAF_CHECK_EQUAL(backend.statuses_of("a"), statuses{delivery_status::failed});
  CAF_CHECK_EQUAL(broadcast_seqs(), (std::vector<int64_t>{2}));
  // The tempId is free again.
  CAF_CHECK_EQUAL(send(hdl, draft("a")).seq, 3);
}

CAF_TEST(room commits that arrive together are batched) {
  auto hdl = spawn_room();
  backend.then("commit", {fake_reply::hold});
  send(hdl, draft("a"));
  sched.run();
  CAF_CHECK_EQUAL(backend.calls.back(), "commit:1");
  for (auto temp : {"b", "c", "d"})
    send(hdl, draft(temp));
  sched.run();
  CAF_CHECK_EQUAL(backend.count("commit"), 1u);
  backend.release();
  sched.run();
  CAF_CHECK_EQUAL(backend.count("commit"), 2u);
  CAF_CHECK_EQUAL(backend.count("commit:2,3,4"), 1u);
  for (auto temp : {"a", "b", "c", "d"})
    CAF_CHECK_EQUAL(backend.statuses_of(temp), statuses{delivery_status::saved});
}

CAF_TEST(a fenced room fails its sagas and stops) {
  auto hdl = spawn_room();
  self->monitor(hdl);
  backend.then("commit", {fake_reply::fenced});
  send(hdl, draft("a"));
  sched.run();
  CAF_CHECK_EQUAL(backend.statuses_of("a"), statuses{delivery_status::failed});
  CAF_CHECK_EQUAL(backend.statuses.back().error_code, "ROOM_MOVED");
  CAF_CHECK_EQUAL(backend.count("delete"), 1u);
  self->receive([&](caf::down_msg& msg) {
    CAF_CHECK_EQUAL(msg.source, hdl.address());
    CAF_CHECK_EQUAL(code_of(msg.reason), chat_errc::fenced);
  });
}

CAF_TEST(a seq taken by another owner stops the room) {
  // Another node's room actor claimed the room and wrote this seq: the insert says so.
  auto hdl = spawn_room();
  self->monitor(hdl);
  backend.then("insert", {fake_reply::fenced});
  send(hdl, draft("a"));
  sched.run();
  CAF_CHECK_EQUAL(backend.statuses_of("a"), statuses{delivery_status::failed});
  CAF_CHECK_EQUAL(backend.statuses.back().error_code, "ROOM_MOVED");
  self->receive([&](caf::down_msg& msg) {
    CAF_CHECK_EQUAL(msg.source, hdl.address());
    CAF_CHECK_EQUAL(code_of(msg.reason), chat_errc::fenced);
  });
}

CAF_TEST(a room handed off finishes its sagas in flight and then stops) {
  auto manager =
    sys.spawn(room_manager, settings, messages, commits, subscriber_actor{}, previewer_actor{});
  started.push_back(caf::actor_cast<caf::actor>(manager));
  auto hdl = ask<room_actor>(manager, lookup_atom::value, int64_t{7});
  self->monitor(hdl);
  backend.then("commit", {fake_reply::hold});
  send(hdl, draft("a"));
  sched.run();
  // The room belongs to another node now: the manager asks it to leave.
  auto released = self->request(manager, caf::infinite, handoff_atom::value, int64_t{7});
  sched.run();
  // New messages go elsewhere (the gateway re-resolves the room); "a" is still in flight.
  auto refused = self->request(hdl, caf::infinite, send_atom::value, draft("b"), sink);
  sched.run();
  refused.receive([](status_event&) { CAF_FAIL("a leaving room admitted a message"); },
                  [](caf::error& err) { CAF_CHECK_EQUAL(code_of(err), chat_errc::room_stopped); });
  CAF_CHECK(backend.statuses_of("a").empty());
  backend.release();
  sched.run();
  sched.advance_time(std::chrono::milliseconds(10));
  sched.run();
  // "a" finished here, then the room stopped and the manager answered.
  CAF_CHECK_EQUAL(backend.statuses_of("a"), statuses{delivery_status::saved});
  self->receive([&](caf::down_msg& msg) { CAF_CHECK_EQUAL(msg.source, hdl.address()); });
  released.receive([](bool ok) { CAF_CHECK(ok); },
                   [](caf::error& err) { CAF_FAIL("handoff failed: " << to_string(err)); });
  CAF_CHECK_EQUAL(ask<int64_t>(manager, count_atom::value), 0);
}

CAF_TEST(an idle room passivates and reactivates from the store) {
  auto manager =
    sys.spawn(room_manager, settings, messages, commits, subscriber_actor{}, previewer_actor{});
  started.push_back(caf::actor_cast<caf::actor>(manager));
  auto hdl = ask<room_actor>(manager, lookup_atom::value, int64_t{7});
  send(hdl, draft("a"));
  send(hdl, draft("b"));
  sched.run();
  CAF_CHECK_EQUAL(backend.claims, 1);
  self->monitor(hdl);
  // Busy rooms stay; an untouched room passivates after its idle timeout.
  sched.advance_time(settings.idle_timeout);
  sched.run();
  sched.advance_time(settings.idle_timeout);
  sched.run();
  self->receive([&](caf::down_msg& msg) { CAF_CHECK_EQUAL(msg.source, hdl.address()); });
  CAF_CHECK_EQUAL(ask<int64_t>(manager, count_atom::value), 0);
  // The next use activates a new room actor that claims the room again and continues its seqs.
  auto again = ask<room_actor>(manager, lookup_atom::value, int64_t{7});
  CAF_CHECK_NOT_EQUAL(again.address(), hdl.address());
  auto admission = send(again, draft("c"));
  CAF_CHECK_EQUAL(admission.seq, 3);
  CAF_CHECK_EQUAL(backend.claims, 2);
  // Dedupe survives passivation: the stored messages seed it.
  auto repeat = send(again, draft("a"));
  CAF_CHECK_EQUAL(repeat.status, delivery_status::saved);
  CAF_CHECK_EQUAL(repeat.seq, 1);
  sched.run();
}

CAF_TEST(a room with subscribers does not passivate) {
  auto hdl = spawn_room();
  subscribe(hdl);
  sched.advance_time(settings.idle_timeout);
  sched.run();
  sched.advance_time(settings.idle_timeout);
  sched.run();
  send(hdl, draft("a"));
  sched.run();
  CAF_CHECK_EQUAL(backend.statuses_of("a"), statuses{delivery_status::saved});
}

CAF_TEST(activation resolves the sagas a crash left behind) {
  chat_message committed_one = draft("old1");
  committed_one.id = make_uuid();
  committed_one.seq = 5;
  chat_message lost_one = draft("old2");
  lost_one.id = make_uuid();
  lost_one.seq = 6;
  backend.messages[committed_one.id] = committed_one;
  backend.messages[lost_one.id] = lost_one;
  backend.unfinished = {committed_one, lost_one};
  backend.commits.insert(committed_one.id); // its room commit happened before the crash
  auto hdl = spawn_room();
  auto admission = send(hdl, draft("new"));
  CAF_CHECK_EQUAL(admission.seq, 7);
  CAF_CHECK_EQUAL(backend.messages[committed_one.id].state, message_state::committed);
  CAF_CHECK_EQUAL(backend.messages.count(lost_one.id), 0u);
  CAF_CHECK_EQUAL(backend.tombstones.count(lost_one.id), 1u);
  sched.run();
  CAF_CHECK_EQUAL(backend.statuses_of("new"), statuses{delivery_status::saved});
}

CAF_TEST(a room that does not exist fails its requests and stops) {
  backend.then("claim", {fake_reply::not_found});
  auto hdl = sys.spawn(room, int64_t{7}, settings, room_deps{messages, commits, {}});
  bool failed = false;
  auto pending = self->request(hdl, caf::infinite, send_atom::value, draft("a"), sink);
  sched.run();
  pending.receive([](status_event&) { CAF_FAIL("admitted by a room that does not exist"); },
                  [&](caf::error& err) {
                    failed = true;
                    CAF_CHECK_EQUAL(code_of(err), chat_errc::not_found);
                  });
  CAF_CHECK(failed);
}

CAF_TEST(activation : the room claims the room then reads its snapshot) {
  sched.run(); // the fakes are up
  auto hdl = sys.spawn(room, int64_t{7}, settings, room_deps{messages, commits, {}});
  started.push_back(caf::actor_cast<caf::actor>(hdl));
  sched.run_once(); // the room starts
  expect((claim_atom, int64_t, std::string), from(hdl).to(commits).with(_, 7, "node-1"));
  expect((room_claim), from(commits).to(hdl));
  expect((snapshot_atom, int64_t, int32_t), from(hdl).to(messages).with(_, 7, 1024));
  expect((room_snapshot), from(messages).to(hdl));
}

CAF_TEST(a tempId reused with other content is FAILED TEMP_ID_REUSED and starts no saga) {
  auto hdl = spawn_room();
  CAF_CHECK_EQUAL(send(hdl, draft("t")).status, delivery_status::processing);
  sched.run();
  auto other = draft("t");
  other.content = "another message";
  auto reply = send(hdl, other);
  CAF_CHECK_EQUAL(reply.status, delivery_status::failed);
  CAF_CHECK_EQUAL(reply.error_code, "TEMP_ID_REUSED");
  CAF_CHECK_EQUAL(backend.count("insert"), 1u);
  // The same content again is the same message: SAVED with the first seq.
  auto again = send(hdl, draft("t"));
  CAF_CHECK_EQUAL(again.status, delivery_status::saved);
  CAF_CHECK_EQUAL(again.seq, 1);
}

CAF_TEST(a tempId used with other content before activation is caught too) {
  auto stored = draft("old");
  stored.id = make_uuid();
  stored.seq = 4;
  stored.state = message_state::committed;
  backend.messages[stored.id] = stored;
  auto hdl = spawn_room();
  auto other = draft("old");
  other.content = "not the stored one";
  CAF_CHECK_EQUAL(send(hdl, other).error_code, "TEMP_ID_REUSED");
  auto same = send(hdl, draft("old"));
  CAF_CHECK_EQUAL(same.status, delivery_status::saved);
  CAF_CHECK_EQUAL(same.seq, 4);
}

CAF_TEST(unread counts count committed messages only) {
  auto hdl = spawn_room({}, subscriber);
  subscribe(hdl);
  backend.then("insert", {fake_reply::ok, fake_reply::fail, fake_reply::ok});
  for (auto temp : {"a", "b", "c"})
    send(hdl, draft(temp));
  sched.run();
  CAF_CHECK_EQUAL(backend.statuses_of("b"), statuses{delivery_status::failed});
  auto& member = state_of(hdl).members.at(43);
  CAF_CHECK_EQUAL(member.unread, 2);
  // Read up to the failed seq: only "c" is left.
  self->send(hdl, read_atom::value, int64_t{43}, int64_t{2}, int64_t{99});
  sched.run();
  CAF_CHECK_EQUAL(member.unread, 1);
  CAF_REQUIRE(!backend.updates.empty());
  CAF_CHECK_EQUAL(backend.updates.back().members.size(), 1u);
  CAF_CHECK_EQUAL(backend.updates.back().members.front().unread, 1);
  CAF_CHECK_EQUAL(state_of(hdl).members.at(42).unread, 0);
}

CAF_TEST(a stop always ends typing and an indicator without news ends by itself) {
  settings.typing_timeout = std::chrono::seconds(5);
  auto hdl = spawn_room();
  subscribe(hdl);
  auto typing_bodies = [&] {
    std::vector<std::string> result;
    for (auto& event : backend.broadcasts)
      if (event.topic == room_topic::typing)
        result.push_back(event.body.find("\"isTyping\":true") != std::string::npos ? "on" : "off");
    return result;
  };
  self->send(hdl, typing_atom::value, int64_t{42}, true);
  self->send(hdl, typing_atom::value, int64_t{42}, false);
  sched.run();
  CAF_CHECK_EQUAL(typing_bodies(), (std::vector<std::string>{"on", "off"}));
  self->send(hdl, typing_atom::value, int64_t{43}, true);
  sched.run();
  sched.advance_time(std::chrono::seconds(3));
  sched.run();
  CAF_CHECK_EQUAL(typing_bodies().size(), 3u);
  sched.advance_time(std::chrono::seconds(3));
  sched.run();
  CAF_CHECK_EQUAL(typing_bodies(), (std::vector<std::string>{"on", "off", "on", "off"}));
}

CAF_TEST(presence is per user : the last session that closes makes the user absent) {
  auto hdl = spawn_room();
  subscribe(hdl);
  auto presence = [&] {
    std::vector<std::string> result;
    for (auto& event : backend.broadcasts)
      if (event.topic == room_topic::active)
        result.push_back(event.body.find("\"active\":true") != std::string::npos ? "in" : "out");
    return result;
  };
  auto session = [&](bool open) {
    return sys.spawn([=](caf::event_based_actor* me) -> caf::behavior {
      me->send(hdl, presence_atom::value, int64_t{43}, open);
      return {[](int64_t) {}};
    });
  };
  auto first = session(true);
  auto second = session(true);
  sched.run();
  CAF_CHECK_EQUAL(presence(), (std::vector<std::string>{"in"}));
  // The first session ends (its node died, say): the second one is still open.
  caf::anon_send_exit(first, caf::exit_reason::remote_link_unreachable);
  sched.run();
  CAF_CHECK_EQUAL(presence(), (std::vector<std::string>{"in"}));
  caf::anon_send_exit(second, caf::exit_reason::user_shutdown);
  sched.run();
  CAF_CHECK_EQUAL(presence(), (std::vector<std::string>{"in", "out"}));
}

CAF_TEST(a session that announces itself while the room activates counts once it is active) {
  sched.run(); // the fakes are up
  auto hdl = sys.spawn(room, int64_t{7}, settings, room_deps{messages, commits, {}});
  started.push_back(caf::actor_cast<caf::actor>(hdl));
  sched.run_once(); // the room starts: it claims the room, nothing read yet
  auto session = sys.spawn([=](caf::event_based_actor* me) -> caf::behavior {
    me->send(hdl, presence_atom::value, int64_t{43}, true);
    return {[](int64_t) {}};
  });
  sched.run();
  CAF_CHECK_EQUAL(ask<std::vector<int64_t>>(hdl, online_atom::value), (std::vector<int64_t>{43}));
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
  sched.run();
  CAF_CHECK_EQUAL(ask<std::vector<int64_t>>(hdl, online_atom::value), (std::vector<int64_t>{}));
}

CAF_TEST(an invisible member is never shown present and a visible status is) {
  auto hdl = spawn_room();
  subscribe(hdl);
  auto presence = [&] {
    std::vector<std::string> result;
    for (auto& event : backend.broadcasts)
      if (event.topic == room_topic::active) {
        bool active = event.body.find("\"active\":true") != std::string::npos;
        auto status = event.body.substr(event.body.find("\"status\":\"") + 10);
        result.push_back((active ? "in " : "out ") + status.substr(0, status.find('"')));
      }
    return result;
  };
  auto session = sys.spawn([=](caf::event_based_actor* me) -> caf::behavior {
    me->send(hdl, presence_atom::value, int64_t{43}, true);
    return {[](int64_t) {}};
  });
  sched.run();
  CAF_CHECK_EQUAL(presence(), (std::vector<std::string>{"in ONLINE"}));
  self->send(hdl, member_status_atom::value, int64_t{43}, std::string{"OFFLINE"});
  sched.run();
  CAF_CHECK_EQUAL(presence(), (std::vector<std::string>{"in ONLINE", "out OFFLINE"}));
  CAF_CHECK_EQUAL(ask<std::vector<int64_t>>(hdl, online_atom::value), (std::vector<int64_t>{}));
  CAF_CHECK(ask<std::vector<std::string>>(hdl, presence_snapshot_atom::value).empty());
  // Activity of an invisible member is no news either.
  self->send(hdl, activity_atom::value, int64_t{43}, std::string{"IDLE"});
  sched.run();
  CAF_CHECK_EQUAL(presence().size(), 2u);
  self->send(hdl, member_status_atom::value, int64_t{43}, std::string{"AWAY"});
  sched.run();
  CAF_CHECK_EQUAL(presence(), (std::vector<std::string>{"in ONLINE", "out OFFLINE", "in AWAY"}));
  CAF_CHECK_EQUAL(ask<std::vector<std::string>>(hdl, presence_snapshot_atom::value).size(), 1u);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST_FIXTURE_SCOPE_END()
