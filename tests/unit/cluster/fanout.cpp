#define CAF_SUITE fanout

#include "cluster/fanout.hpp"

#include <functional>
#include <set>

#include "tests/support/actor_fixture.hpp"

#include "protocol/errors.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/streamer.hpp"

using namespace chat;
using namespace chat::test;

namespace {

using release_atom = caf::atom_constant<caf::atom("release")>;

/// A room that knows its members and how far it delivered; counts its subscribers.
struct fake_room_state {
  std::set<int64_t> members;
  int64_t delivered = 0;
  std::vector<subscriber_actor> subscribers;
  int unsubscribes = 0;
};

caf::behavior fake_room(caf::stateful_actor<fake_room_state>* self, std::set<int64_t> members,
                        int64_t delivered) {
  self->state.members = std::move(members);
  self->state.delivered = delivered;
  return {
    [=](is_member_atom, int64_t user) { return self->state.members.count(user) > 0; },
    [=](subscribe_atom, subscriber_actor& subscriber) {
      self->state.subscribers.push_back(subscriber);
      return self->state.delivered;
    },
    [=](unsubscribe_atom, subscriber_actor&) { ++self->state.unsubscribes; },
  };
}

/// A connection that keeps what it receives.
struct inbox_state {
  std::vector<local_broadcast> broadcasts;
  std::vector<user_delivery> updates;
};

caf::behavior inbox(caf::stateful_actor<inbox_state>* self) {
  return {
    [=](const local_broadcast& event) { self->state.broadcasts.push_back(event); },
    [=](const user_delivery& delivery) { self->state.updates.push_back(delivery); },
  };
}

/// Stored messages of room 7 for the gap fill; answers only when released (release_atom).
struct history_state {
  std::vector<std::function<void()>> held;
};

caf::behavior fake_history(caf::stateful_actor<history_state>* self) {
  return {
    [=](history_atom, const history_query& query) {
      history_page page;
      for (auto seq = query.after_seq + 1;
           seq < query.before_seq && seq <= query.after_seq + query.limit; ++seq) {
        chat_message msg;
        msg.id = "m" + std::to_string(seq);
        msg.room_id = query.room_id;
        msg.seq = seq;
        msg.content = "stored " + std::to_string(seq);
        page.messages.push_back(msg);
      }
      auto promise = self->make_response_promise();
      self->state.held.push_back([promise, page]() mutable { promise.deliver(page); });
      return caf::result<history_page>{promise};
    },
    [=](release_atom) {
      auto held = std::move(self->state.held);
      self->state.held.clear();
      for (auto& fn : held)
        fn();
    },
  };
}

/// A directory that hands out a fixed room actor.
caf::behavior fake_directory(caf::event_based_actor*, caf::actor room) {
  return {
    [=](lookup_atom, int64_t) { return caf::actor_cast<room_actor>(room); },
  };
}

struct fixture : actor_fixture {
  fanout_actor fan;
  std::vector<caf::actor> started;

  fixture() {
    fan = sys.spawn(fanout, fanout_settings{});
    started.push_back(caf::actor_cast<caf::actor>(fan));
  }

  ~fixture() override {
    for (auto& hdl : started)
      caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
    run_all();
  }

  caf::actor spawn_room(std::set<int64_t> members, int64_t delivered) {
    auto hdl = sys.spawn(fake_room, std::move(members), delivered);
    started.push_back(hdl);
    return hdl;
  }

  caf::actor spawn_inbox() {
    auto hdl = sys.spawn(inbox);
    started.push_back(hdl);
    return hdl;
  }

  /// Subscribes; returns the fan-out's reply (delivered seq) or the error code.
  std::pair<int64_t, chat_errc> subscribe(caf::actor room, room_topic topic, int64_t user,
                                          caf::actor conn) {
    std::pair<int64_t, chat_errc> result{-1, chat_errc::none};
    auto pending = self->request(fan, caf::infinite, subscribe_atom::value, int64_t{7},
                                 caf::actor_cast<room_actor>(room), topic, user,
                                 caf::actor_cast<connection_actor>(conn));
    sched.run();
    pending.receive([&](int64_t delivered) { result.first = delivered; },
                    [&](caf::error& err) { result.second = code_of(err); });
    return result;
  }

  void publish(int64_t seq, room_topic topic = room_topic::messages) {
    self->send(fan, room_broadcast{7, topic, seq, "body " + std::to_string(seq)});
    sched.run();
  }

  inbox_state& of(const caf::actor& conn) {
    return deref<caf::stateful_actor<inbox_state>>(conn).state;
  }

  fake_room_state& room_of(const caf::actor& room) {
    return deref<caf::stateful_actor<fake_room_state>>(room).state;
  }

  static std::vector<int64_t> seqs(const inbox_state& st) {
    std::vector<int64_t> result;
    for (auto& event : st.broadcasts)
      result.push_back(event.seq);
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(fanout_tests, fixture)

CAF_TEST(a node subscribes once per room and shares each body) {
  auto room = spawn_room({1, 2}, 4);
  auto a = spawn_inbox();
  auto b = spawn_inbox();
  auto first = subscribe(room, room_topic::messages, 1, a);
  auto second = subscribe(room, room_topic::messages, 2, b);
  CAF_CHECK_EQUAL(first.first, 4);
  CAF_CHECK_EQUAL(second.first, 4);
  CAF_CHECK_EQUAL(room_of(room).subscribers.size(), 1u);
  publish(5);
  CAF_REQUIRE_EQUAL(of(a).broadcasts.size(), 1u);
  CAF_REQUIRE_EQUAL(of(b).broadcasts.size(), 1u);
  CAF_CHECK_EQUAL(*of(a).broadcasts[0].body, "body 5");
  // One encoding for every local subscriber.
  CAF_CHECK_EQUAL(of(a).broadcasts[0].body.get(), of(b).broadcasts[0].body.get());
}

CAF_TEST(only members may subscribe) {
  auto room = spawn_room({1}, 0);
  auto a = spawn_inbox();
  auto refused = subscribe(room, room_topic::messages, 99, a);
  CAF_CHECK(refused.second == chat_errc::not_member);
  CAF_CHECK(room_of(room).subscribers.empty());
}

CAF_TEST(messages are handed out in seq order once and topics stay apart) {
  auto room = spawn_room({1}, 0);
  auto messages = spawn_inbox();
  auto typing = spawn_inbox();
  subscribe(room, room_topic::messages, 1, messages);
  subscribe(room, room_topic::typing, 1, typing);
  publish(1);
  publish(2);
  publish(2); // duplicate
  publish(1); // old
  publish(0, room_topic::typing);
  CAF_CHECK_EQUAL(seqs(of(messages)), (std::vector<int64_t>{1, 2}));
  CAF_REQUIRE_EQUAL(of(typing).broadcasts.size(), 1u);
  CAF_CHECK(of(typing).broadcasts[0].topic == room_topic::typing);
}

CAF_TEST(room updates reach each listed member with its own unread count) {
  auto a = spawn_inbox();
  auto b = spawn_inbox();
  self->send(fan, session_atom::value, int64_t{1}, caf::actor_cast<connection_actor>(a));
  self->send(fan, session_atom::value, int64_t{2}, caf::actor_cast<connection_actor>(b));
  room_update update;
  update.room_id = 7;
  update.members = {member_unread{1, 3}};
  self->send(fan, update);
  sched.run();
  CAF_REQUIRE_EQUAL(of(a).updates.size(), 1u);
  CAF_CHECK_EQUAL(of(b).updates.size(), 0u);
  CAF_CHECK_EQUAL(of(a).updates[0].queue, "/user/queue/room-updates");
  CAF_CHECK_EQUAL(of(a).updates[0].users, std::vector<int64_t>{1});
  CAF_CHECK(of(a).updates[0].body.find("\"unreadCount\":3") != std::string::npos);
  self->send(fan, session_end_atom::value, int64_t{1}, caf::actor_cast<connection_actor>(a));
  self->send(fan, update);
  sched.run();
  CAF_CHECK_EQUAL(of(a).updates.size(), 1u);
}

CAF_TEST(a replaced room actor is followed without gap or duplicate) {
  auto old_room = spawn_room({1}, 3);
  auto a = spawn_inbox();
  subscribe(old_room, room_topic::messages, 1, a);
  publish(4);
  publish(5);
  // The room moves: its successor delivered up to 9 meanwhile.
  auto successor = spawn_room({1}, 9);
  auto history = sys.spawn(fake_history);
  auto directory = sys.spawn(fake_directory, successor);
  started.push_back(history);
  started.push_back(directory);
  self->send(fan, caf::actor_cast<room_directory_actor>(directory),
             caf::actor_cast<message_store_actor>(history));
  caf::anon_send_exit(old_room, caf::exit_reason::user_shutdown);
  sched.run();
  // Subscribed to the successor; the gap (5, 9] is being read from the store. A live message of
  // the successor arrives meanwhile: it must wait for the gap.
  CAF_CHECK_EQUAL(room_of(successor).subscribers.size(), 1u);
  self->send(fan, room_broadcast{7, room_topic::messages, 10, "body 10"});
  sched.run();
  CAF_CHECK_EQUAL(seqs(of(a)), (std::vector<int64_t>{4, 5}));
  self->send(history, release_atom::value);
  sched.run();
  CAF_CHECK_EQUAL(seqs(of(a)), (std::vector<int64_t>{4, 5, 6, 7, 8, 9, 10}));
  CAF_CHECK_EQUAL(*of(a).broadcasts[1].body, "body 5");
  CAF_CHECK_NOT_EQUAL(of(a).broadcasts[2].body->find("stored 6"), std::string::npos);
}

CAF_TEST(users who left a room lose their subscriptions) {
  auto room = spawn_room({1, 2}, 0);
  auto a = spawn_inbox();
  auto b = spawn_inbox();
  subscribe(room, room_topic::messages, 1, a);
  subscribe(room, room_topic::messages, 2, b);
  self->send(fan, left_atom::value, int64_t{7}, std::vector<int64_t>{2});
  publish(1);
  CAF_CHECK_EQUAL(of(a).broadcasts.size(), 1u);
  CAF_CHECK_EQUAL(of(b).broadcasts.size(), 0u);
  CAF_CHECK_EQUAL(room_of(room).unsubscribes, 0);
  self->send(fan, left_atom::value, int64_t{7}, std::vector<int64_t>{1});
  sched.run();
  CAF_CHECK_EQUAL(room_of(room).unsubscribes, 1);
}

CAF_TEST(the room is left when its last local subscriber goes) {
  auto room = spawn_room({1, 2}, 0);
  auto a = spawn_inbox();
  auto b = spawn_inbox();
  subscribe(room, room_topic::messages, 1, a);
  subscribe(room, room_topic::messages, 2, b);
  self->send(fan, unsubscribe_atom::value, int64_t{7}, room_topic::messages,
             caf::actor_cast<connection_actor>(a));
  sched.run();
  CAF_CHECK_EQUAL(room_of(room).unsubscribes, 0);
  caf::anon_send_exit(b, caf::exit_reason::user_shutdown); // its connection closed
  sched.run();
  CAF_CHECK_EQUAL(room_of(room).unsubscribes, 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
