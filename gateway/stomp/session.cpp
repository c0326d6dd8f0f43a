#include "gateway/stomp/session.hpp"

#include <algorithm>

#include <caf/sec.hpp>
#include <caf/send.hpp>
#include <caf/system_messages.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "gateway/auth/refusal_log.hpp"
#include "gateway/json_fields.hpp"
#include "gateway/stomp/session_ops.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/event_json.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/codec/room_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/interfaces/cluster.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/metrics.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/saga.hpp"
#include "protocol/types/streamer.hpp"
#include "protocol/uuid.hpp"

namespace chat {

using clock_type = connection_state::clock;

namespace {

/// Frames a client may send between CONNECT and the session being ready.
constexpr size_t max_early_frames = 64;

void handle_frame(session_ptr self, const stomp_frame& frame);

// -- CONNECT ----------------------------------------------------------------------------------

std::string token_of(const connection_state& st, const stomp_frame& frame) {
  for (auto* name : {"Authorization", "authorization"})
    if (auto* header = frame.header(name))
      return std::string{*bearer_token(*header, false)};
  if (auto* passcode = frame.header("passcode"))
    return *passcode;
  return st.url_token;
}

void hidden_senders_known(session_ptr self, std::vector<int64_t> hidden,
                          std::unordered_set<int64_t> direct_rooms) {
  auto& st = self->state;
  st.hidden_senders = std::move(hidden);
  st.direct_rooms = std::move(direct_rooms);
  if (st.hidden_known)
    return;
  st.hidden_known = true;
  auto frames = std::move(st.early_frames);
  st.early_frames.clear();
  for (auto& frame : frames)
    if (!st.closing)
      handle_frame(self, frame);
}

void hidden_senders_failed(session_ptr self, const caf::error& err) {
  if (!self->state.hidden_known)
    close_with_error(self, "service unavailable", describe(err));
}

/// Reads whose messages this user does not see; the frames that came meanwhile go on then.
void load_hidden_senders(session_ptr self) {
  auto& st = self->state;
  self
    ->request(st.ctx->users, st.ctx->settings.request_timeout, hidden_senders_atom::value,
              st.user_id)
    .then(
      [self](std::vector<int64_t>& hidden) {
        if (hidden.empty()) {
          hidden_senders_known(self, {}, {});
          return;
        }
        // Blocks hide messages in GROUP rooms only: which rooms are DIRECT?
        auto& st = self->state;
        self
          ->request(st.ctx->membership, st.ctx->settings.request_timeout, rooms_of_atom::value,
                    st.user_id)
          .then(
            [self, hidden](std::vector<room_view>& rooms) {
              std::unordered_set<int64_t> direct;
              for (auto& view : rooms)
                if (view.room.type == "DIRECT")
                  direct.insert(view.room.id);
              hidden_senders_known(self, hidden, std::move(direct));
            },
            [self](caf::error& err) { hidden_senders_failed(self, err); });
      },
      [self](caf::error& err) { hidden_senders_failed(self, err); });
}

/// Tells the user's rooms that a session of the user is here (/topic/active/{roomId}).
void announce_presence(session_ptr self) {
  auto& st = self->state;
  self
    ->request(st.ctx->membership, st.ctx->settings.request_timeout, rooms_of_atom::value,
              st.user_id)
    .then(
      [self](std::vector<room_view>& rooms) {
        for (auto& view : rooms)
          announce_presence_in(self, view.room.id);
      },
      [](caf::error&) {});
}

void handle_connect(session_ptr self, const stomp_frame& frame) {
  auto& st = self->state;
  if (auto* versions = frame.header("accept-version")) {
    if (versions->find("1.2") == std::string::npos) {
      close_with_error(self, "unsupported protocol version", "only STOMP 1.2 is supported");
      return;
    }
  }
  int64_t client_sends = 0;
  int64_t client_wants = 0;
  if (auto* heartbeat = frame.header("heart-beat")) {
    auto parsed = parse_heart_beat(*heartbeat);
    if (!parsed) {
      close_with_error(self, "malformed heart-beat header");
      return;
    }
    std::tie(client_sends, client_wants) = *parsed;
  }
  std::string why;
  auto claims = st.ctx->tokens->verify(token_of(st, frame), token_kind::access, now_seconds(), why);
  if (!claims) {
    if (refusal_log_allowed())
      spdlog::info("STOMP CONNECT from {} refused: {}", st.remote, why);
    close_with_error(self, "authentication failed", why);
    return;
  }
  st.connected = true;
  st.user_id = claims->user_id;
  st.username = claims->username;
  st.token_expires_at = claims->expires_at;
  auto offer =
    std::chrono::duration_cast<std::chrono::milliseconds>(st.ctx->settings.heartbeat).count();
  st.send_every = std::chrono::milliseconds{client_wants > 0 ? std::max(offer, client_wants) : 0};
  st.expect_every = std::chrono::milliseconds{client_sends > 0 ? std::max(offer, client_sends) : 0};
  write_encoded(self, encode_frame("CONNECTED", {{"version", "1.2"},
                                                 {"heart-beat", std::to_string(offer) + "," +
                                                                  std::to_string(offer)},
                                                 {"server", "chatd/0.1"},
                                                 {"session", st.session_id},
                                                 {"user-name", std::to_string(st.user_id)}}));
  self->send(st.ctx->fanout, session_atom::value, st.user_id,
             caf::actor_cast<connection_actor>(self));
  // Counted per node in the store (profiles show `online` cluster-wide); nobody waits for it.
  caf::anon_send(st.ctx->users, user_session_atom::value, st.user_id, st.ctx->node_id, int32_t{1});
  announce_presence(self);
  receipt(self, frame);
  load_hidden_senders(self);
}

// -- the frame loop ---------------------------------------------------------------------------

void handle_frame(session_ptr self, const stomp_frame& frame) {
  auto& st = self->state;
  ++metrics::instance().frames_in;
  auto& command = frame.command;
  if (!st.connected) {
    if (command == "CONNECT" || command == "STOMP")
      handle_connect(self, frame);
    else
      close_with_error(self, "not connected", "the first frame must be CONNECT");
    return;
  }
  if (!st.hidden_known) {
    // Whose messages to hide is not known yet (a moment after CONNECT): wait for it.
    if (st.early_frames.size() >= max_early_frames) {
      close_with_error(self, "too many frames before the session is ready");
      return;
    }
    st.early_frames.push_back(frame);
    return;
  }
  if (command == "SEND") {
    if (!hold_send(self, frame))
      handle_send(self, frame);
  } else if (command == "SUBSCRIBE") {
    handle_subscribe(self, frame);
  } else if (command == "UNSUBSCRIBE") {
    handle_unsubscribe(self, frame);
  } else if (command == "DISCONNECT") {
    receipt(self, frame);
    st.closing = true;
    end_session(self);
    st.out->close();
  } else if (command == "ACK" || command == "NACK") {
    receipt(self, frame); // subscriptions are ack:auto
  } else if (command == "BEGIN" || command == "COMMIT" || command == "ABORT") {
    close_with_error(self, "transactions are not supported");
  } else if (command == "CONNECT" || command == "STOMP") {
    close_with_error(self, "already connected");
  } else {
    close_with_error(self, "unknown command " + command);
  }
}

void on_tick(session_ptr self) {
  auto& st = self->state;
  if (st.closing)
    return;
  auto now = clock_type::now();
  if (!st.connected) {
    if (now - st.opened > st.ctx->settings.connect_timeout) {
      close_with_error(self, "CONNECT expected", "no CONNECT frame within the connect timeout");
      return;
    }
  } else {
    // Our heart-beat first: a client that went silent still got every beat that was due.
    if (st.send_every.count() > 0 && now - st.last_out >= st.send_every) {
      st.last_out = now;
      st.out->send_heartbeat();
    }
    if (st.expect_every.count() > 0 && now - st.last_in > st.expect_every * 2) {
      close_with_error(self, "heart-beat timeout", "the client went silent");
      return;
    }
    if (now_seconds() >= st.token_expires_at) {
      close_with_error(self, "access token expired",
                       "send a fresh access token to /app/token before the old one expires");
      return;
    }
  }
  self->delayed_send(self, st.ctx->settings.tick_interval, tick_atom::value);
}

} // namespace

connection_actor::behavior_type connection(session_ptr self, std::shared_ptr<gateway_context> ctx,
                                           std::shared_ptr<outbound_channel> out,
                                           std::string url_token, std::string remote) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.out = std::move(out);
  st.url_token = std::move(url_token);
  st.remote = std::move(remote);
  st.session_id = make_uuid().substr(24);
  auto& limits = st.ctx->settings;
  st.parser =
    stomp_parser{stomp_limits{limits.max_frame_bytes, limits.max_headers, limits.max_header_bytes}};
  st.opened = st.last_in = st.last_out = clock_type::now();
  auto& counters = metrics::instance();
  ++counters.connections_open;
  ++counters.connections_total;
  self->attach_functor([] { --metrics::instance().connections_open; });
  self->delayed_send(self, st.ctx->settings.tick_interval, tick_atom::value);
  self->set_down_handler([self](caf::down_msg& msg) { on_room_down(self, msg.source); });
  return {
    [=](inbound_atom, const std::string& data) {
      auto& st = self->state;
      if (st.closing)
        return;
      st.last_in = clock_type::now();
      st.parser.feed(data);
      while (!st.closing) {
        auto frame = st.parser.next();
        if (!frame)
          break;
        handle_frame(self, *frame);
      }
      st.parser.take_heartbeats();
      if (st.parser.failed())
        close_with_error(self, "malformed frame", st.parser.error());
    },
    [=](closed_atom) {
      end_session(self);
      self->quit();
    },
    [=](overflow_atom) {
      ++metrics::instance().slow_consumers_dropped;
      close_with_error(self, "slow consumer", "the client does not read fast enough");
    },
    [=](tick_atom) { on_tick(self); },
    [=](status_event& event) { on_status(self, event); },
    [=](const local_broadcast& event) {
      for (auto& [id, sub] : self->state.subscriptions)
        if (takes(sub, event))
          deliver_to_subscription(self, sub, event);
    },
    [=](const user_delivery& delivery) {
      if (delivery.queue == blocks_changed_queue)
        load_hidden_senders(self); // a block of this user or by them changed
      else if (delivery.queue == message_status_queue)
        deliver_status_body(self, delivery.room_id, delivery.body);
      else if (delivery.sender_id != 0 &&
               is_hidden(hidden_in(self, delivery.room_id), delivery.sender_id))
        to_queue(self, delivery.queue,
                 with_hidden_last_message(delivery.body, delivery.room_id, delivery.seq));
      else
        to_queue(self, delivery.queue, delivery.body);
    },
    [=](const mention_notification& notification) {
      if (notification.user_id == self->state.user_id)
        to_queue(self, "/user/queue/notifications", notification_json(notification));
    },
    [=](resume_atom, const std::string& sub_id) { replay(self, sub_id); },
  };
}

} // namespace chat
