#include "actors/room/room_manager.hpp"

#include <caf/system_messages.hpp>

namespace chat {

room_manager_actor::behavior_type
room_manager(room_manager_actor::stateful_pointer<room_manager_state> self, room_settings settings,
             message_store_actor messages, commit_store_actor commits, subscriber_actor fanout,
             previewer_actor previewer) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.messages = std::move(messages);
  st.commits = std::move(commits);
  st.fanout = std::move(fanout);
  st.previewer = std::move(previewer);
  st.gate = std::make_shared<admission_gate>(st.settings.max_in_flight);
  // Rooms are linked so that they stop with the manager. The exit of a room (passivation,
  // fence, failed activation) only removes it; any other exit message stops the manager.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    if (auto h = st.handoffs.find(msg.source); h != st.handoffs.end()) {
      for (auto& promise : h->second)
        promise.deliver(true);
      st.handoffs.erase(h);
    }
    auto i = st.by_address.find(msg.source);
    if (i == st.by_address.end()) {
      self->quit(msg.reason);
      return;
    }
    auto j = st.rooms.find(i->second);
    if (j != st.rooms.end() && j->second.address() == msg.source)
      st.rooms.erase(j);
    st.by_address.erase(i);
  });
  return {
    [=](lookup_atom, int64_t id) -> room_actor {
      auto& st = self->state;
      if (auto i = st.rooms.find(id); i != st.rooms.end())
        return i->second;
      room_deps deps{st.messages, st.commits, self, st.fanout, st.previewer, st.gate};
      auto handle = self->spawn<caf::linked>(room, id, st.settings, deps);
      st.rooms.emplace(id, handle);
      st.by_address.emplace(handle.address(), id);
      return handle;
    },
    [=](reload_atom, int64_t id) {
      if (auto i = self->state.rooms.find(id); i != self->state.rooms.end())
        caf::anon_send(i->second, reload_atom::value); // nobody waits for the reply
    },
    [=](idle_atom, int64_t id) {
      auto& st = self->state;
      auto i = st.rooms.find(id);
      if (i == st.rooms.end() || i->second.address() != self->current_sender())
        return true; // not registered (any more): nobody hands it out
      st.rooms.erase(i);
      return true;
    },
    [=](count_atom) { return static_cast<int64_t>(self->state.rooms.size()); },
    [=](rooms_atom) {
      std::vector<int64_t> result;
      result.reserve(self->state.rooms.size());
      for (auto& [id, room] : self->state.rooms)
        result.push_back(id);
      return result;
    },
    [=](handoff_atom, int64_t id) -> caf::result<bool> {
      auto& st = self->state;
      auto i = st.rooms.find(id);
      if (i == st.rooms.end())
        return true;
      auto promise = self->make_response_promise<bool>();
      auto& waiting = st.handoffs[i->second.address()];
      if (waiting.empty())
        self->send(i->second, handoff_atom::value);
      waiting.push_back(promise);
      return promise;
    },
  };
}

} // namespace chat
