#include "cluster/fanout.hpp"

#include <algorithm>
#include <memory>

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>
#include <caf/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "protocol/codec/message_json.hpp"
#include "protocol/codec/room_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/streamer.hpp"

namespace chat {

void fanout_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "fanout"}
    .add(request_timeout, "request-timeout",
         "bound of the fan-out's requests to rooms, the directory and the messages store")
    .add(gap_page, "gap-page", "messages per page when a gap after a room move is filled");
}

std::string fanout_settings::check() const {
  if (request_timeout <= caf::timespan{0} || gap_page == 0)
    return "fanout.request-timeout and fanout.gap-page must be positive";
  return {};
}

bool fanout_state::room_entry::empty() const {
  for (auto& [topic, connections] : subscribers)
    if (!connections.empty())
      return false;
  return waiting.empty();
}

namespace {

using fanout_ptr = fanout_actor::stateful_pointer<fanout_state>;

/// Hands one event to the local subscribers of its topic (the body shared by all).
void hand_out(fanout_ptr self, fanout_state::room_entry& entry, room_broadcast& event) {
  auto i = entry.subscribers.find(event.topic);
  if (i == entry.subscribers.end() || i->second.empty())
    return;
  local_broadcast local{event.room_id,
                        event.topic,
                        event.seq,
                        std::make_shared<const std::string>(std::move(event.body)),
                        std::move(event.thread_id),
                        event.sender_id};
  for (auto& subscriber : i->second)
    self->send(subscriber.connection, local);
}

/// The messages topic in seq order, each seq once.
void deliver_message(fanout_ptr self, fanout_state::room_entry& entry, room_broadcast event) {
  if (event.seq <= entry.last_seq)
    return;
  entry.last_seq = event.seq;
  hand_out(self, entry, event);
}

void subscribe_room(fanout_ptr self, int64_t room_id);

/// Delivers stored messages (last_seq, until] that the node missed while a room actor was
/// replaced, page by page, then what arrived live meanwhile.
void fill_gap(fanout_ptr self, int64_t room_id, int64_t until) {
  auto& st = self->state;
  auto i = st.rooms.find(room_id);
  if (i == st.rooms.end())
    return;
  auto& entry = i->second;
  if (entry.last_seq >= until || !st.messages) {
    entry.filling = false;
    auto held = std::move(entry.held);
    entry.held.clear();
    for (auto& event : held)
      deliver_message(self, entry, std::move(event));
    return;
  }
  history_query query{room_id, entry.last_seq, until + 1,
                      static_cast<int32_t>(st.settings.gap_page), false};
  self->request(st.messages, st.settings.request_timeout, history_atom::value, query)
    .then(
      [self, room_id, until](history_page& page) {
        auto i = self->state.rooms.find(room_id);
        if (i == self->state.rooms.end())
          return;
        for (auto& msg : page.messages)
          deliver_message(self, i->second,
                          room_broadcast{room_id, room_topic::messages, msg.seq,
                                         encode_message(msg), msg.thread_id, msg.sender_id});
        if (page.messages.empty())
          i->second.last_seq = until; // the rest failed: nothing to deliver
        fill_gap(self, room_id, until);
      },
      [self, room_id, until](caf::error& err) {
        spdlog::warn("fanout: cannot fill the gap of room {}: {}; retrying", room_id,
                     describe(err));
        fill_gap(self, room_id, until);
      });
}

/// Answers the connections that waited for the room subscription.
void release_waiting(fanout_ptr self, fanout_state::room_entry& entry, const caf::error& err) {
  auto waiting = std::move(entry.waiting);
  entry.waiting.clear();
  for (auto& w : waiting) {
    if (err) {
      w.promise.deliver(err);
      continue;
    }
    auto& list = entry.subscribers[w.topic];
    auto same = [&](const fanout_state::local_subscriber& x) {
      return x.connection == w.subscriber.connection;
    };
    if (std::none_of(list.begin(), list.end(), same)) {
      list.push_back(w.subscriber);
      self->monitor(w.subscriber.connection);
    }
    w.promise.deliver(entry.last_seq);
  }
}

/// Subscribes this node to the room actor of the entry.
void subscribe_room(fanout_ptr self, int64_t room_id) {
  auto& st = self->state;
  auto& entry = st.rooms[room_id];
  entry.subscribing = true;
  self->monitor(entry.room);
  self
    ->request(entry.room, st.settings.request_timeout, subscribe_atom::value,
              caf::actor_cast<subscriber_actor>(self))
    .then(
      [self, room_id](int64_t delivered) {
        auto i = self->state.rooms.find(room_id);
        if (i == self->state.rooms.end())
          return;
        auto& entry = i->second;
        entry.subscribing = false;
        bool first = entry.last_seq == 0 && entry.subscribers.empty() && !entry.filling;
        if (first) {
          entry.last_seq = delivered;
        } else if (delivered > entry.last_seq) {
          // A new room actor delivered messages this node never saw.
          entry.filling = true;
          fill_gap(self, room_id, delivered);
        }
        release_waiting(self, entry, caf::error{});
      },
      [self, room_id](caf::error& err) {
        auto i = self->state.rooms.find(room_id);
        if (i == self->state.rooms.end())
          return;
        i->second.subscribing = false;
        release_waiting(self, i->second, err);
        if (i->second.empty())
          self->state.rooms.erase(i);
      });
}

/// The room actor is gone (fenced, moved, crashed): find its successor and re-subscribe.
void room_down(fanout_ptr self, int64_t room_id) {
  auto& st = self->state;
  auto i = st.rooms.find(room_id);
  if (i == st.rooms.end())
    return;
  if (i->second.empty() || !st.directory) {
    st.rooms.erase(i);
    return;
  }
  i->second.subscribing = true;
  self->request(st.directory, st.settings.request_timeout, lookup_atom::value, room_id)
    .then(
      [self, room_id](room_actor& successor) {
        auto i = self->state.rooms.find(room_id);
        if (i == self->state.rooms.end())
          return;
        i->second.room = successor;
        subscribe_room(self, room_id);
      },
      [self, room_id](caf::error& err) {
        spdlog::warn("fanout: room {} cannot be found again: {}", room_id, describe(err));
        self->state.rooms.erase(room_id);
      });
}

void remove_connection(fanout_ptr self, const caf::actor_addr& who) {
  auto& st = self->state;
  auto same = [&](const connection_actor& c) { return c.address() == who; };
  for (auto i = st.rooms.begin(); i != st.rooms.end();) {
    for (auto& [topic, list] : i->second.subscribers)
      std::erase_if(list,
                    [&](const fanout_state::local_subscriber& x) { return same(x.connection); });
    if (i->second.empty() && !i->second.subscribing) {
      self->send(i->second.room, unsubscribe_atom::value, caf::actor_cast<subscriber_actor>(self));
      i = st.rooms.erase(i);
    } else {
      ++i;
    }
  }
  for (auto i = st.sessions.begin(); i != st.sessions.end();) {
    std::erase_if(i->second, same);
    i = i->second.empty() ? st.sessions.erase(i) : std::next(i);
  }
}

/// Hands a room update to the local sessions of its members: each member's own body (its
/// unread count), encoded once per member: linear in the recipients.
void deliver_update(fanout_ptr self, const room_update& update) {
  auto& st = self->state;
  for (auto& member : update.members) {
    auto i = st.sessions.find(member.user_id);
    if (i == st.sessions.end())
      continue;
    user_delivery delivery{
      {member.user_id}, "/user/queue/room-updates", room_update_json(update, member.unread),
      update.room_id,   update.last_sender_id,      update.last_message_seq};
    for (auto& connection : i->second)
      self->send(connection, delivery);
  }
}

/// Hands a user queue delivery to the local sessions of its users.
void deliver_to_users(fanout_ptr self, const user_delivery& delivery) {
  auto& st = self->state;
  for (auto user : delivery.users)
    if (auto i = st.sessions.find(user); i != st.sessions.end())
      for (auto& connection : i->second)
        self->send(connection, delivery);
}

} // namespace

fanout_actor::behavior_type fanout(fanout_actor::stateful_pointer<fanout_state> self,
                                   fanout_settings settings) {
  self->state.settings = settings;
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    for (auto& [room_id, entry] : st.rooms)
      if (entry.room.address() == msg.source) {
        auto id = room_id;
        room_down(self, id);
        return;
      }
    remove_connection(self, msg.source);
  });
  return {
    [=](room_broadcast& event) {
      auto& st = self->state;
      auto i = st.rooms.find(event.room_id);
      if (i == st.rooms.end())
        return;
      auto& entry = i->second;
      if (event.topic != room_topic::messages)
        hand_out(self, entry, event);
      else if (entry.filling)
        entry.held.push_back(std::move(event));
      else
        deliver_message(self, entry, std::move(event));
    },
    [=](const room_update& update) {
      for (auto& peer : self->state.peers)
        self->send(peer, forward_atom::value, update);
      deliver_update(self, update);
    },
    [=](forward_atom, const room_update& update) { deliver_update(self, update); },
    [=](const user_delivery& delivery) {
      for (auto& peer : self->state.peers)
        self->send(peer, forward_atom::value, delivery);
      deliver_to_users(self, delivery);
    },
    [=](forward_atom, const user_delivery& delivery) { deliver_to_users(self, delivery); },
    [=](const mention_notification& notification) {
      auto& st = self->state;
      if (auto i = st.sessions.find(notification.user_id); i != st.sessions.end())
        for (auto& connection : i->second)
          self->send(connection, notification);
    },
    [=](subscribe_atom, int64_t room_id, room_actor& room, room_topic topic, int64_t user,
        connection_actor& connection) -> caf::result<int64_t> {
      auto promise = self->make_response_promise<int64_t>();
      // Only members may subscribe: the room knows its members.
      self->request(room, self->state.settings.request_timeout, is_member_atom::value, user)
        .then(
          [self, room_id, room, topic, user, connection, promise](bool member) mutable {
            if (!member) {
              promise.deliver(make_error(chat_errc::not_member, "not a member of this room"));
              return;
            }
            auto& entry = self->state.rooms[room_id];
            entry.waiting.push_back({topic, {connection, user}, promise});
            if (entry.room != room) {
              // The first local subscriber, or a room actor newer than the one we follow.
              entry.room = room;
              if (!entry.subscribing)
                subscribe_room(self, room_id);
            } else if (!entry.subscribing) {
              release_waiting(self, entry, caf::error{});
            }
          },
          [promise](caf::error& err) mutable { promise.deliver(err); });
      return promise;
    },
    [=](unsubscribe_atom, int64_t room_id, room_topic topic, const connection_actor& connection) {
      auto& st = self->state;
      auto i = st.rooms.find(room_id);
      if (i == st.rooms.end())
        return;
      std::erase_if(i->second.subscribers[topic], [&](const fanout_state::local_subscriber& x) {
        return x.connection == connection;
      });
      if (i->second.empty() && !i->second.subscribing) {
        self->send(i->second.room, unsubscribe_atom::value,
                   caf::actor_cast<subscriber_actor>(self));
        st.rooms.erase(i);
      }
    },
    [=](left_atom, int64_t room_id, const std::vector<int64_t>& users) {
      auto& st = self->state;
      auto i = st.rooms.find(room_id);
      if (i == st.rooms.end())
        return;
      for (auto& [topic, list] : i->second.subscribers)
        std::erase_if(list, [&](const fanout_state::local_subscriber& x) {
          return std::find(users.begin(), users.end(), x.user) != users.end();
        });
      if (i->second.empty() && !i->second.subscribing) {
        self->send(i->second.room, unsubscribe_atom::value,
                   caf::actor_cast<subscriber_actor>(self));
        st.rooms.erase(i);
      }
    },
    [=](session_atom, int64_t user, connection_actor& connection) {
      auto& list = self->state.sessions[user];
      if (std::find(list.begin(), list.end(), connection) == list.end()) {
        list.push_back(connection);
        self->monitor(connection);
      }
    },
    [=](session_end_atom, int64_t user, const connection_actor& connection) {
      auto& st = self->state;
      if (auto i = st.sessions.find(user); i != st.sessions.end()) {
        auto& list = i->second;
        list.erase(std::remove(list.begin(), list.end(), connection), list.end());
        if (list.empty())
          st.sessions.erase(i);
      }
    },
    [=](sessions_atom) {
      int64_t result = 0;
      for (auto& [user, list] : self->state.sessions)
        result += static_cast<int64_t>(list.size());
      return result;
    },
    [=](room_directory_actor& directory, message_store_actor& messages) {
      self->state.directory = std::move(directory);
      self->state.messages = std::move(messages);
    },
    [=](peers_atom, std::vector<peer_fanout_actor>& peers) {
      self->state.peers = std::move(peers);
    },
  };
}

} // namespace chat
