// The parts of a session that its other parts share: frames, queues, errors, rooms, statuses.
#include "gateway/stomp/session_ops.hpp"

#include <algorithm>

#include <caf/sec.hpp>
#include <caf/send.hpp>
#include <nlohmann/json.hpp>

#include "protocol/clock.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/interfaces/cluster.hpp"
#include "protocol/metrics.hpp"
#include "protocol/types/saga.hpp"

namespace chat {

using clock_type = connection_state::clock;

// -- frames -----------------------------------------------------------------------------------

void write_frame(session_ptr self, std::string head, std::shared_ptr<const std::string> body) {
  auto& st = self->state;
  if (st.closing)
    return;
  st.last_out = clock_type::now();
  ++metrics::instance().frames_out;
  if (!st.out->send(std::move(head), std::move(body))) {
    ++metrics::instance().slow_consumers_dropped;
    close_with_error(self, "slow consumer",
                     "the client does not read fast enough: more than " +
                       std::to_string(st.ctx->settings.max_outbound_frames) +
                       " frames waited for it");
  }
}

void write_encoded(session_ptr self, std::string frame) {
  auto& st = self->state;
  if (st.closing)
    return;
  st.last_out = clock_type::now();
  ++metrics::instance().frames_out;
  if (!st.out->send_encoded(std::move(frame))) {
    ++metrics::instance().slow_consumers_dropped;
    close_with_error(self, "slow consumer", "the client does not read fast enough");
  }
}

void emit(session_ptr self, subscription& sub, std::shared_ptr<const std::string> body) {
  auto& st = self->state;
  std::string head = sub.head;
  head += "message-id:";
  head += st.session_id;
  head += '-';
  head += std::to_string(++st.next_message_id);
  head += "\ncontent-length:";
  head += std::to_string(body->size());
  head += "\n\n";
  write_frame(self, std::move(head), std::move(body));
}

void to_queue(session_ptr self, std::string_view queue, std::string body) {
  std::shared_ptr<const std::string> shared;
  for (auto& [id, sub] : self->state.subscriptions)
    if (sub.type == subscription::kind::user_queue && sub.destination == queue) {
      if (!shared)
        shared = std::make_shared<const std::string>(std::move(body));
      emit(self, sub, shared);
    }
}

void app_error(session_ptr self, const std::string& code, const std::string& message,
               const std::string& temp_id) {
  nlohmann::json body{{"code", code}, {"message", message}};
  if (!temp_id.empty())
    body["tempId"] = temp_id;
  if (!self->state.current_destination.empty())
    body["destination"] = self->state.current_destination;
  to_queue(self, "/user/queue/errors", dump(body));
}

destination_scope::destination_scope(session_ptr self, std::string destination)
    : self_(self), previous_(std::move(self->state.current_destination)) {
  self_->state.current_destination = std::move(destination);
}

destination_scope::~destination_scope() {
  self_->state.current_destination = std::move(previous_);
}

void app_error(session_ptr self, chat_errc code, const std::string& message,
               const std::string& temp_id) {
  if (code == chat_errc::rate_limited)
    ++metrics::instance().rate_limited;
  app_error(self, std::string{wire_code(code)}, message, temp_id);
}

chat_errc app_code(const caf::error& err) {
  auto code = code_of(err);
  return code == chat_errc::internal ? chat_errc::unavailable : code;
}

void receipt(session_ptr self, const stomp_frame& frame) {
  if (auto* id = frame.header("receipt"))
    write_encoded(self, encode_frame("RECEIPT", {{"receipt-id", *id}}));
}

void end_session(session_ptr self) {
  auto& st = self->state;
  if (!st.connected)
    return;
  st.connected = false;
  auto me = caf::actor_cast<connection_actor>(self);
  self->send(st.ctx->fanout, session_end_atom::value, st.user_id, me);
  caf::anon_send(st.ctx->users, user_session_atom::value, st.user_id, st.ctx->node_id, int32_t{-1});
  for (auto& [id, sub] : st.subscriptions)
    if (uses_fanout(sub, sub.room_id, sub.topic))
      self->send(st.ctx->fanout, unsubscribe_atom::value, sub.room_id, sub.topic, me);
  for (auto room_id : st.present_in)
    if (auto i = st.rooms.find(room_id); i != st.rooms.end())
      self->send(i->second, presence_atom::value, st.user_id, false);
}

void close_with_error(session_ptr self, const std::string& message, const std::string& detail) {
  auto& st = self->state;
  if (st.closing)
    return;
  st.closing = true;
  end_session(self);
  st.out->close_after(encode_frame("ERROR", {{"message", message}, {"content-type", "text/plain"}},
                                   detail.empty() ? message : detail));
}

// -- rooms and statuses -----------------------------------------------------------------------

void with_room(session_ptr self, int64_t room_id, std::function<void(room_actor&)> then,
               std::function<void(const caf::error&)> failed) {
  auto& st = self->state;
  if (auto i = st.rooms.find(room_id); i != st.rooms.end()) {
    then(i->second);
    return;
  }
  self->request(st.ctx->directory, st.ctx->settings.request_timeout, lookup_atom::value, room_id)
    .then(
      [self, room_id, then](room_actor& room) {
        self->state.rooms[room_id] = room;
        then(room);
      },
      [failed](caf::error& err) { failed(err); });
}

bool forget_stale_room(session_ptr self, int64_t room_id, const caf::error& err) {
  if (err != caf::sec::request_receiver_down && code_of(err) != chat_errc::room_stopped)
    return false;
  self->state.rooms.erase(room_id);
  return true;
}

resend_tracker::room_key watch_room(session_ptr self, const room_actor& room) {
  auto& st = self->state;
  auto [i, added] = st.room_keys.emplace(room.address(), st.last_room_key + 1);
  if (added) {
    ++st.last_room_key;
    self->monitor(room);
  }
  return i->second;
}

namespace {

/// SEND frames held at most (more closes the session: a client that floods while subscribing).
constexpr size_t max_held_sends = 1024;

bool subscribing(const connection_state& st) {
  return std::any_of(st.subscriptions.begin(), st.subscriptions.end(),
                     [](const auto& entry) { return entry.second.pending; });
}

} // namespace

bool hold_send(session_ptr self, const stomp_frame& frame) {
  auto& st = self->state;
  if (st.held_sends.empty() && !subscribing(st))
    return false;
  if (st.held_sends.size() >= max_held_sends) {
    close_with_error(self, "too many frames while subscribing");
    return true;
  }
  st.held_sends.push_back(frame);
  return true;
}

void release_sends(session_ptr self) {
  auto& st = self->state;
  while (!st.held_sends.empty() && !subscribing(st) && !st.closing) {
    auto frame = std::move(st.held_sends.front());
    st.held_sends.pop_front();
    handle_send(self, frame);
  }
}

const std::vector<int64_t>& hidden_in(session_ptr self, int64_t room_id) {
  static const std::vector<int64_t> nobody;
  auto& st = self->state;
  return st.direct_rooms.count(room_id) > 0 ? nobody : st.hidden_senders;
}

void announce_presence_in(session_ptr self, int64_t room_id) {
  with_room(
    self, room_id,
    [self, room_id](room_actor& room) {
      auto& st = self->state;
      if (!st.connected)
        return;
      if (std::find(st.present_in.begin(), st.present_in.end(), room_id) == st.present_in.end())
        st.present_in.push_back(room_id);
      watch_room(self, room);
      self->send(room, presence_atom::value, st.user_id, true);
    },
    [](const caf::error&) {});
}

namespace {

/// Emits a status body (made once, when a subscription takes it) on the status subscriptions
/// of a room.
template <class MakeBody> void emit_status(session_ptr self, int64_t room_id, MakeBody make_body) {
  std::shared_ptr<const std::string> body;
  for (auto& [id, sub] : self->state.subscriptions)
    if (sub.type == subscription::kind::status && sub.room_id == room_id && !sub.pending) {
      if (!body)
        body = std::make_shared<const std::string>(make_body());
      emit(self, sub, body);
    }
}

} // namespace

void deliver_status(session_ptr self, const status_event& event) {
  emit_status(self, event.room_id, [&] { return encode_status(event); });
}

void deliver_status_body(session_ptr self, int64_t room_id, std::string body) {
  emit_status(self, room_id, [&] { return std::move(body); });
}

} // namespace chat
