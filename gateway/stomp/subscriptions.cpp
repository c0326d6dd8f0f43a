// SUBSCRIBE and UNSUBSCRIBE: room topics through the node's fan-out (membership checked by
// it), status topics (membership checked by the room), user queues; a since-seq replay of the
// messages topic, page by page, with live messages held until it caught up.
#include "gateway/stomp/subscriptions.hpp"

#include <algorithm>
#include <array>

#include <spdlog/spdlog.h>

#include "gateway/json_fields.hpp"
#include "gateway/stomp/session_ops.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/interfaces/cluster.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/message.hpp"
#include "protocol/uuid.hpp"

namespace chat {

bool is_user_queue(std::string_view destination) {
  static constexpr std::array<std::string_view, 7> queues{
    "/user/queue/room-updates",  "/user/queue/errors", "/user/queue/sync",
    "/user/queue/notifications", "/user/queue/thread", "/user/queue/rooms",
    "/user/queue/friends"};
  return std::find(queues.begin(), queues.end(), destination) != queues.end();
}

bool uses_fanout(const subscription& sub, int64_t room_id, room_topic topic) {
  return (sub.type == subscription::kind::room || sub.type == subscription::kind::thread) &&
         sub.room_id == room_id && sub.topic == topic;
}

bool takes(const subscription& sub, const local_broadcast& event) {
  if (!uses_fanout(sub, event.room_id, event.topic))
    return false;
  return sub.type == subscription::kind::room || sub.thread_id == event.thread_id;
}

void deliver_to_subscription(session_ptr self, subscription& sub, const local_broadcast& event) {
  if (sub.pending || sub.replaying) {
    sub.held.push_back(event);
    return;
  }
  bool hidden = event.sender_id != 0 && is_hidden(hidden_in(self, event.room_id), event.sender_id);
  if (event.topic == room_topic::messages) {
    if (event.seq <= sub.last_seq)
      return;
    sub.last_seq = event.seq;
    if (hidden) {
      // The seq stays without a gap: a placeholder instead of the message.
      emit(self, sub,
           std::make_shared<const std::string>(hidden_message_json(event.room_id, event.seq)));
      return;
    }
  }
  if (hidden)
    return; // a change of a message this reader does not see
  emit(self, sub, event.body);
}

namespace {

/// The room topics a client may subscribe to: destination prefix -> kind and topic.
struct room_topic_prefix {
  std::string_view prefix;
  subscription::kind type;
  room_topic topic;
};

constexpr std::array<room_topic_prefix, 6> room_topics{{
  {"/topic/messages/", subscription::kind::room, room_topic::messages},
  {"/topic/typing/", subscription::kind::room, room_topic::typing},
  {"/topic/active/", subscription::kind::room, room_topic::active},
  {"/topic/message/updates/", subscription::kind::room, room_topic::updates},
  {"/topic/read/", subscription::kind::room, room_topic::read},
  {"/topic/message/status/", subscription::kind::status, room_topic::messages},
}};

constexpr std::string_view thread_prefix = "/topic/thread/";

/// Fills the kind, room and topic of a room destination; false if it is none.
bool parse_room_destination(std::string_view destination, subscription& sub) {
  for (auto& entry : room_topics) {
    if (destination.substr(0, entry.prefix.size()) != entry.prefix)
      continue;
    auto id = parse_id(destination.substr(entry.prefix.size()));
    if (!id)
      return false;
    sub.type = entry.type;
    sub.topic = entry.topic;
    sub.room_id = *id;
    return true;
  }
  return false;
}

void flush_held(session_ptr self, subscription& sub) {
  auto held = std::move(sub.held);
  sub.held.clear();
  for (auto& event : held)
    deliver_to_subscription(self, sub, event);
}

/// The fan-out took the subscription: replay (since, delivered] first, then go live.
void subscribed(session_ptr self, const std::string& sub_id, std::optional<int64_t> since,
                int64_t delivered, const stomp_frame& frame) {
  auto& st = self->state;
  auto i = st.subscriptions.find(sub_id);
  if (i == st.subscriptions.end())
    return;
  auto& sub = i->second;
  sub.pending = false;
  release_sends(self);
  if (since && *since < delivered) {
    sub.last_seq = *since;
    sub.replay_until = delivered;
    sub.replaying = true;
    receipt(self, frame);
    replay(self, sub_id);
    return;
  }
  sub.last_seq = since ? std::max(*since, delivered) : delivered;
  receipt(self, frame);
  flush_held(self, sub);
}

} // namespace

void replay(session_ptr self, const std::string& sub_id) {
  auto& st = self->state;
  auto i = st.subscriptions.find(sub_id);
  if (i == st.subscriptions.end() || !i->second.replaying)
    return;
  auto& sub = i->second;
  if (sub.last_seq >= sub.replay_until) {
    sub.replaying = false;
    flush_held(self, sub);
    return;
  }
  // Paused while the client's outbound queue is more than half full.
  if (st.out->queued() > st.ctx->settings.max_outbound_frames / 2) {
    self->delayed_send(self, st.ctx->settings.replay_pause, resume_atom::value, sub_id);
    return;
  }
  history_query query{sub.room_id, sub.last_seq, sub.replay_until + 1,
                      static_cast<int32_t>(st.ctx->settings.replay_page), false};
  self->request(st.ctx->messages, st.ctx->settings.request_timeout, history_atom::value, query)
    .then(
      [self, sub_id](history_page& page) {
        auto& st = self->state;
        auto i = st.subscriptions.find(sub_id);
        if (i == st.subscriptions.end())
          return;
        auto& sub = i->second;
        for (auto& msg : page.messages) {
          if (msg.seq <= sub.last_seq)
            continue;
          sub.last_seq = msg.seq;
          emit(self, sub,
               std::make_shared<const std::string>(
                 is_hidden(hidden_in(self, msg.room_id), msg.sender_id)
                   ? hidden_message_json(msg.room_id, msg.seq)
                   : encode_message(msg)));
        }
        if (!page.has_more)
          sub.last_seq = std::max(sub.last_seq, sub.replay_until);
        replay(self, sub_id);
      },
      [self](caf::error& err) {
        spdlog::warn("connection: replay failed: {}", describe(err));
        close_with_error(self, "replay failed", describe(err));
      });
}

namespace {

/// Subscribes an entry of st.subscriptions whose room is known: through the fan-out (which
/// checks membership) or, for statuses, after the room's membership check.
void subscribe_room(session_ptr self, const std::string& sub_id, std::optional<int64_t> since,
                    std::shared_ptr<stomp_frame> frame) {
  auto& entry = self->state.subscriptions.at(sub_id);
  auto room_id = entry.room_id;
  auto type = entry.type;
  auto topic = entry.topic;
  auto refuse = [self, sub_id, frame](const caf::error& err) {
    self->state.subscriptions.erase(sub_id);
    app_error(self, app_code(err), describe(err));
    receipt(self, *frame);
    release_sends(self);
  };
  with_room(
    self, room_id,
    [self, sub_id, room_id, type, topic, since, refuse, frame](room_actor& room) {
      auto& st = self->state;
      auto timeout = st.ctx->settings.request_timeout;
      if (type == subscription::kind::status) {
        // Only its own statuses: membership is the only check.
        self->request(room, timeout, is_member_atom::value, st.user_id)
          .then(
            [self, sub_id, refuse, frame](bool member) {
              if (!member) {
                refuse(make_error(chat_errc::not_member, "not a member of this room"));
                return;
              }
              if (auto i = self->state.subscriptions.find(sub_id);
                  i != self->state.subscriptions.end())
                i->second.pending = false;
              receipt(self, *frame);
              release_sends(self);
            },
            refuse);
        return;
      }
      self
        ->request(st.ctx->fanout, timeout, subscribe_atom::value, room_id, room, topic, st.user_id,
                  caf::actor_cast<connection_actor>(self))
        .then(
          [self, sub_id, since, frame, room, topic, timeout, room_id](int64_t delivered) {
            // A session opened before its user joined the room is present there from now on.
            auto& present = self->state.present_in;
            if (std::find(present.begin(), present.end(), room_id) == present.end())
              announce_presence_in(self, room_id);
            if (topic != room_topic::active) {
              subscribed(self, sub_id, since, delivered, *frame);
              return;
            }
            // A new subscriber of presence first learns who is online.
            auto done = [self, sub_id, since, delivered, frame] {
              subscribed(self, sub_id, since, delivered, *frame);
            };
            self->request(room, timeout, presence_snapshot_atom::value)
              .then(
                [self, sub_id, done](std::vector<std::string>& events) {
                  if (auto i = self->state.subscriptions.find(sub_id);
                      i != self->state.subscriptions.end())
                    for (auto& event : events)
                      emit(self, i->second, std::make_shared<const std::string>(std::move(event)));
                  done();
                },
                [done](caf::error&) { done(); });
          },
          refuse);
    },
    refuse);
}

/// /topic/thread/{parentMessageId}: the parent's room is the room to subscribe to.
void subscribe_thread(session_ptr self, const std::string& sub_id,
                      std::shared_ptr<stomp_frame> frame) {
  auto refuse = [self, sub_id, frame](const caf::error& err) {
    self->state.subscriptions.erase(sub_id);
    app_error(self, app_code(err), describe(err));
    receipt(self, *frame);
    release_sends(self);
  };
  auto& st = self->state;
  auto parent_id = st.subscriptions.at(sub_id).thread_id;
  self->request(st.ctx->messages, st.ctx->settings.request_timeout, message_atom::value, parent_id)
    .then(
      [self, sub_id, frame](chat_message& parent) {
        auto i = self->state.subscriptions.find(sub_id);
        if (i == self->state.subscriptions.end())
          return;
        i->second.room_id = parent.room_id;
        subscribe_room(self, sub_id, std::nullopt, frame);
      },
      refuse);
}

} // namespace

void handle_subscribe(session_ptr self, const stomp_frame& frame) {
  auto& st = self->state;
  auto* id = frame.header("id");
  auto* destination = frame.header("destination");
  if (id == nullptr || destination == nullptr || id->empty()) {
    close_with_error(self, "SUBSCRIBE needs an id and a destination");
    return;
  }
  if (st.subscriptions.count(*id) > 0) {
    close_with_error(self, "subscription id " + *id + " is in use");
    return;
  }
  subscription sub;
  sub.id = *id;
  sub.destination = *destination;
  sub.head = "MESSAGE\ndestination:" + stomp_escape(*destination) +
             "\nsubscription:" + stomp_escape(*id) + "\ncontent-type:application/json\n";
  if (is_user_queue(*destination)) {
    sub.type = subscription::kind::user_queue;
    sub.pending = false;
    st.subscriptions.emplace(*id, std::move(sub));
    receipt(self, frame);
    return;
  }
  auto frame_copy = std::make_shared<stomp_frame>(frame);
  if (std::string_view{*destination}.substr(0, thread_prefix.size()) == thread_prefix) {
    sub.type = subscription::kind::thread;
    sub.topic = room_topic::messages;
    sub.thread_id = destination->substr(thread_prefix.size());
    if (!is_uuid(sub.thread_id) || frame.header("since-seq") != nullptr) {
      app_error(self, chat_errc::invalid_input,
                "/topic/thread/{parentMessageId} needs a message id (and takes no since-seq)");
      receipt(self, frame);
      return;
    }
    st.subscriptions.emplace(*id, std::move(sub));
    subscribe_thread(self, *id, frame_copy);
    return;
  }
  if (!parse_room_destination(*destination, sub)) {
    app_error(self, chat_errc::unknown_destination, "unknown destination " + *destination);
    receipt(self, frame);
    return;
  }
  std::optional<int64_t> since;
  if (auto* since_seq = frame.header("since-seq")) {
    since = parse_seq(*since_seq);
    if (!since || sub.type != subscription::kind::room || sub.topic != room_topic::messages) {
      app_error(self, chat_errc::invalid_input,
                "since-seq must be a non-negative integer on /topic/messages/{roomId}");
      receipt(self, frame);
      return;
    }
  }
  auto sub_id = *id;
  st.subscriptions.emplace(sub_id, std::move(sub));
  subscribe_room(self, sub_id, since, frame_copy);
}

void handle_unsubscribe(session_ptr self, const stomp_frame& frame) {
  auto& st = self->state;
  auto* id = frame.header("id");
  if (id == nullptr) {
    close_with_error(self, "UNSUBSCRIBE needs an id");
    return;
  }
  auto i = st.subscriptions.find(*id);
  if (i != st.subscriptions.end()) {
    auto sub = std::move(i->second);
    st.subscriptions.erase(i);
    if (uses_fanout(sub, sub.room_id, sub.topic)) {
      bool still_used =
        std::any_of(st.subscriptions.begin(), st.subscriptions.end(), [&](const auto& entry) {
          return uses_fanout(entry.second, sub.room_id, sub.topic);
        });
      if (!still_used)
        self->send(st.ctx->fanout, unsubscribe_atom::value, sub.room_id, sub.topic,
                   caf::actor_cast<connection_actor>(self));
    }
  }
  receipt(self, frame);
  release_sends(self);
}

} // namespace chat
