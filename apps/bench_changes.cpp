#include "apps/bench_changes.hpp"

#include <chrono>
#include <future>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "protocol/clock.hpp"

namespace chat::bench {

namespace {

using clock_type = std::chrono::steady_clock;

struct change_driver_state {
  std::vector<room_actor> rooms;
  std::vector<std::vector<saved_message>> messages;
  std::vector<int64_t> members;
  change_kind kind = change_kind::edit;
  size_t per_room = 0;
  std::vector<size_t> issued;
  size_t answered = 0;
  change_figures figures;
  clock_type::time_point started;
  std::promise<change_figures> done;
};

void issue(caf::event_based_actor* self, std::shared_ptr<change_driver_state> st, size_t room) {
  if (st->issued[room] >= st->per_room || st->messages[room].empty())
    return;
  auto change = change_for(st->messages[room], st->members, st->kind, st->issued[room]++);
  auto sent = clock_type::now();
  auto answered = [self, st, room, sent](bool ok) {
    if (ok) {
      ++st->figures.done;
      st->figures.latencies_us.push_back(
        std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - sent).count());
    } else {
      ++st->figures.failed;
    }
    if (++st->answered == st->per_room * st->rooms.size()) {
      st->figures.seconds = std::chrono::duration<double>(clock_type::now() - st->started).count();
      st->done.set_value(st->figures);
      self->quit();
      return;
    }
    issue(self, st, room);
  };
  self->request(st->rooms[room], std::chrono::seconds(60), change_atom::value, change)
    .then([answered](change_outcome&) { answered(true); },
          [answered](caf::error&) { answered(false); });
}

} // namespace

message_change change_for(const std::vector<saved_message>& messages,
                          const std::vector<int64_t>& members, change_kind kind, size_t n) {
  message_change change;
  change.at = now_ms();
  if (kind == change_kind::edit) {
    auto& msg = messages[n % messages.size()];
    change.kind = change_kind::edit;
    change.message_id = msg.id;
    change.user_id = msg.sender_id;
    change.text = "edited benchmark message, revision " + std::to_string(n);
    return change;
  }
  // Each member adds, then (a round later) removes, its reaction to one message after another.
  auto round = n / members.size();
  change.kind = round % 2 == 0 ? change_kind::react : change_kind::unreact;
  change.message_id = messages[(round / 2) % messages.size()].id;
  change.user_id = members[n % members.size()];
  change.text = "+1";
  return change;
}

change_figures run_changes(caf::actor_system& sys, const std::vector<room_actor>& rooms,
                           const std::vector<std::vector<saved_message>>& messages,
                           const std::vector<int64_t>& members, change_kind kind, size_t per_room,
                           size_t window) {
  auto st = std::make_shared<change_driver_state>();
  st->rooms = rooms;
  st->messages = messages;
  st->members = members;
  st->kind = kind;
  st->per_room = per_room;
  st->issued.assign(rooms.size(), 0);
  auto result = st->done.get_future();
  if (rooms.empty() || per_room == 0)
    return {};
  sys.spawn([st, window](caf::event_based_actor* self) {
    st->started = clock_type::now();
    for (size_t room = 0; room < st->rooms.size(); ++room)
      for (size_t i = 0; i < window; ++i)
        issue(self, st, room);
  });
  if (result.wait_for(std::chrono::seconds(300)) != std::future_status::ready)
    return {};
  return result.get();
}

} // namespace chat::bench
