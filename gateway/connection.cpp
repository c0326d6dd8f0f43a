#include "gateway/connection.hpp"

#include <algorithm>
#include <charconv>

#include <caf/sec.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "protocol/clock.hpp"
#include "protocol/errors.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/metrics.hpp"
#include "protocol/uuid.hpp"

namespace chat {

namespace {

using json = nlohmann::json;
using conn_ptr = connection_actor::stateful_pointer<connection_state>;
using clock_type = connection_state::clock;
using kind = connection_state::destination_kind;

constexpr auto tick_period = std::chrono::milliseconds(500);
constexpr size_t max_temp_id = 64;
constexpr size_t max_mentions = 100;

std::string dump(const json& x) {
  return x.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<int64_t> parse_id(std::string_view text) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || value <= 0)
    return std::nullopt;
  return value;
}

std::optional<int64_t> parse_seq(std::string_view text) {
  int64_t value = -1;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || value < 0)
    return std::nullopt;
  return value;
}

/// A positive integer JSON field.
std::optional<int64_t> id_field(const json& body, const char* name) {
  auto i = body.find(name);
  if (i == body.end() || !i->is_number_integer() || i->get<int64_t>() <= 0)
    return std::nullopt;
  return i->get<int64_t>();
}

/// An optional string JSON field of at most `max` bytes ("" when absent); nullopt if invalid.
std::optional<std::string> text_field(const json& body, const char* name, size_t max) {
  auto i = body.find(name);
  if (i == body.end() || i->is_null())
    return std::string{};
  if (!i->is_string() || i->get_ref<const std::string&>().size() > max)
    return std::nullopt;
  return i->get<std::string>();
}

// -- sending frames ---------------------------------------------------------------------------

void close_with_error(conn_ptr self, const std::string& message, const std::string& detail = {});

/// Queues a frame; a full queue means a slow client.
void write(conn_ptr self, std::string head, std::shared_ptr<const std::string> body = nullptr) {
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

/// A MESSAGE frame of a subscription.
void emit(conn_ptr self, connection_state::subscription& sub,
          std::shared_ptr<const std::string> body) {
  auto& st = self->state;
  std::string head = sub.head;
  head += "message-id:";
  head += st.session_id;
  head += '-';
  head += std::to_string(++st.next_message_id);
  head += "\ncontent-length:";
  head += std::to_string(body->size());
  head += "\n\n";
  write(self, std::move(head), std::move(body));
}

/// Sends a body to every subscription of a user queue ("/user/queue/errors", ...).
void to_queue(conn_ptr self, std::string_view queue, std::string body) {
  std::shared_ptr<const std::string> shared;
  for (auto& [id, sub] : self->state.subscriptions)
    if (sub.kind == kind::user_queue && sub.destination == queue) {
      if (!shared)
        shared = std::make_shared<const std::string>(std::move(body));
      emit(self, sub, shared);
    }
}

/// An application-level problem: reported on /user/queue/errors, the connection stays.
void app_error(conn_ptr self, const std::string& code, const std::string& message,
               const std::string& temp_id = {}) {
  json body{{"code", code}, {"message", message}};
  if (!temp_id.empty())
    body["tempId"] = temp_id;
  to_queue(self, "/user/queue/errors", dump(body));
}

void app_error(conn_ptr self, chat_errc code, const std::string& message,
               const std::string& temp_id = {}) {
  if (code == chat_errc::rate_limited)
    ++metrics::instance().rate_limited;
  app_error(self, std::string{wire_code(code)}, message, temp_id);
}

void receipt(conn_ptr self, const stomp_frame& frame) {
  if (auto* id = frame.header("receipt"))
    write(self, encode_frame("RECEIPT", {{"receipt-id", *id}}));
}

void cleanup(conn_ptr self) {
  auto& st = self->state;
  if (!st.connected)
    return;
  st.connected = false;
  auto me = caf::actor_cast<connection_actor>(self);
  self->send(st.ctx->fanout, leave_atom::value, st.user_id, me);
  for (auto& [id, sub] : st.subscriptions)
    if (sub.kind == kind::room)
      self->send(st.ctx->fanout, unsubscribe_atom::value, sub.room_id, sub.topic, me);
  for (auto room_id : st.present_in)
    if (auto i = st.rooms.find(room_id); i != st.rooms.end())
      self->send(i->second, active_atom::value, st.user_id, false);
}

/// A protocol error: ERROR frame, then the connection closes (STOMP requires it).
void close_with_error(conn_ptr self, const std::string& message, const std::string& detail) {
  auto& st = self->state;
  if (st.closing)
    return;
  st.closing = true;
  cleanup(self);
  st.out->close_after(encode_frame("ERROR", {{"message", message}, {"content-type", "text/plain"}},
                                   detail.empty() ? message : detail));
}

// -- statuses and deliveries ------------------------------------------------------------------

void deliver_status(conn_ptr self, const status_event& event) {
  std::shared_ptr<const std::string> body;
  for (auto& [id, sub] : self->state.subscriptions)
    if (sub.kind == kind::status && sub.room_id == event.room_id && !sub.pending) {
      if (!body)
        body = std::make_shared<const std::string>(encode_status(event));
      emit(self, sub, body);
    }
}

status_event make_status(int64_t room_id, const std::string& temp_id, delivery_status status) {
  status_event result;
  result.room_id = room_id;
  result.temp_id = temp_id;
  result.status = status;
  result.created_at = now_ms();
  return result;
}

/// A live message for a subscription: in seq order, once.
void deliver_message(conn_ptr self, connection_state::subscription& sub,
                     const local_broadcast& event) {
  if (sub.pending || sub.replaying) {
    sub.held.push_back(event);
    return;
  }
  if (event.topic == room_topic::messages) {
    if (event.seq <= sub.last_seq)
      return;
    sub.last_seq = event.seq;
  }
  emit(self, sub, event.body);
}

void flush_held(conn_ptr self, connection_state::subscription& sub) {
  auto held = std::move(sub.held);
  sub.held.clear();
  for (auto& event : held)
    deliver_message(self, sub, event);
}

// -- rooms ------------------------------------------------------------------------------------

/// Runs `then(room)` with the room's actor, resolving it through the directory when unknown.
/// `failed(err)` runs when it cannot be found.
template <class Then, class Failed>
void with_room(conn_ptr self, int64_t room_id, Then then, Failed failed) {
  auto& st = self->state;
  if (auto i = st.rooms.find(room_id); i != st.rooms.end()) {
    then(i->second);
    return;
  }
  self->request(st.ctx->directory, st.ctx->settings.request_timeout, get_atom::value, room_id)
    .then(
      [self, room_id, then](room_actor& room) mutable {
        self->state.rooms[room_id] = room;
        then(room);
      },
      [failed](caf::error& err) mutable { failed(err); });
}

/// A room actor stopped (passivated, moved): forget it so that the next use resolves again.
bool stale_room(conn_ptr self, int64_t room_id, const caf::error& err) {
  if (err != caf::sec::request_receiver_down && code_of(err) != chat_errc::room_stopped)
    return false;
  self->state.rooms.erase(room_id);
  return true;
}

chat_errc app_code(const caf::error& err) {
  auto code = code_of(err);
  return code == chat_errc::internal ? chat_errc::unavailable : code;
}

// -- SEND /app/... ----------------------------------------------------------------------------

void admit(conn_ptr self, chat_message draft, int attempt);

/// Remembers a message sent to a room actor until its final status, watching that actor.
/// Returns the token of this admission.
uint64_t track_in_flight(conn_ptr self, const chat_message& draft, const room_actor& room) {
  auto& st = self->state;
  auto token = ++st.last_admission;
  st.in_flight[{draft.room_id, draft.temp_id}] = {draft, room.address(), token};
  if (st.watched_rooms.insert(room.address()).second)
    self->monitor(room);
  return token;
}

/// A FAILED status of a saga this connection no longer waits for: the message was answered
/// already, or was sent again (its room actor died) and another saga answers it. Telling the
/// client would contradict that answer.
bool stale_failure(conn_ptr self, const status_event& event) {
  if (event.status != delivery_status::failed)
    return false;
  auto& st = self->state;
  auto key = std::make_pair(event.room_id, event.temp_id);
  auto retired = st.retired.find(key);
  if (retired == st.retired.end())
    return false; // never sent again: its one saga answers
  if (event.saga_seq != 0 && retired->second.count(event.saga_seq) > 0)
    return true;
  auto i = st.in_flight.find(key);
  if (i == st.in_flight.end())
    return true; // the newer admission was answered already
  // Its current admission has not answered yet (that saga cannot have ended): an older one.
  if (i->second.seq == 0)
    return true;
  return event.saga_seq != 0 && event.saga_seq != i->second.seq;
}

/// A message failed because its room actor lost the room to another owner or stopped under
/// it (it left no trace): sends it again, to the room's current owner, a few times before
/// telling FAILED.
bool moved_again(conn_ptr self, const status_event& event) {
  constexpr int max_moves = 3;
  auto& st = self->state;
  if (event.error_code != wire_code(chat_errc::fenced) &&
      event.error_code != wire_code(chat_errc::room_stopped))
    return false;
  auto key = std::make_pair(event.room_id, event.temp_id);
  auto i = st.in_flight.find(key);
  if (i == st.in_flight.end() || st.moves[key] >= max_moves)
    return false;
  ++st.moves[key];
  st.retired[key].insert(i->second.seq);
  auto draft = std::move(i->second.draft);
  st.in_flight.erase(i);
  st.rooms.erase(event.room_id);
  admit(self, std::move(draft), 0);
  return true;
}

/// Whether the admission with this token is still the one tracked for its message.
bool current(conn_ptr self, const chat_message& draft, uint64_t token) {
  auto& st = self->state;
  auto i = st.in_flight.find({draft.room_id, draft.temp_id});
  return i != st.in_flight.end() && i->second.token == token;
}

/// A room actor died: its node did, or it stopped. Messages it had admitted go to the room's
/// new home again, with the same tempId (saved once there, whatever happened here).
void room_actor_down(conn_ptr self, const caf::actor_addr& room) {
  auto& st = self->state;
  st.watched_rooms.erase(room);
  std::erase_if(st.rooms, [&](const auto& entry) { return entry.second.address() == room; });
  std::vector<chat_message> again;
  for (auto i = st.in_flight.begin(); i != st.in_flight.end();) {
    if (i->second.room == room) {
      st.retired[i->first].insert(i->second.seq);
      again.push_back(std::move(i->second.draft));
      i = st.in_flight.erase(i);
    } else {
      ++i;
    }
  }
  for (auto& draft : again)
    admit(self, std::move(draft), 0);
}

void admit(conn_ptr self, chat_message draft, int attempt) {
  auto room_id = draft.room_id;
  auto temp_id = draft.temp_id;
  auto fail = [self, room_id, temp_id](const caf::error& err) {
    auto code = app_code(err);
    auto status = make_status(room_id, temp_id, delivery_status::failed);
    status.error_code = wire_code(code);
    status.error_message = describe(err);
    deliver_status(self, status);
    app_error(self, code, describe(err), temp_id);
  };
  with_room(
    self, room_id,
    [self, draft, attempt, fail](room_actor& room) {
      auto& st = self->state;
      auto token = track_in_flight(self, draft, room);
      self
        ->request(room, st.ctx->settings.request_timeout, send_atom::value, draft,
                  caf::actor_cast<status_sink_actor>(self))
        .then(
          [self, draft, token](status_event& admission) {
            // A newer admission of the same tempId (after its room died) tracks it now.
            if (current(self, draft, token)) {
              auto key = std::make_pair(draft.room_id, draft.temp_id);
              if (admission.status == delivery_status::processing)
                self->state.in_flight[key].seq = admission.seq;
              else
                self->state.in_flight.erase(key);
            }
            deliver_status(self, admission);
            if (admission.status == delivery_status::failed)
              app_error(self, admission.error_code, admission.error_message, draft.temp_id);
          },
          [self, draft, attempt, fail, token](caf::error& err) {
            if (!current(self, draft, token))
              return; // its room died: admitted again meanwhile, that admission answers
            self->state.in_flight.erase({draft.room_id, draft.temp_id});
            if (attempt == 0 && stale_room(self, draft.room_id, err))
              admit(self, draft, attempt + 1);
            else
              fail(err);
          });
    },
    fail);
}

void send_chat(conn_ptr self, const json& body) {
  auto& st = self->state;
  auto room_id = id_field(body, "roomId");
  auto temp_id = text_field(body, "tempId", max_temp_id);
  auto temp = temp_id ? *temp_id : std::string{};
  if (!room_id) {
    app_error(self, chat_errc::invalid_input, "roomId must be a positive integer", temp);
    return;
  }
  auto content = body.find("content");
  if (content == body.end() || !content->is_string() ||
      content->get_ref<const std::string&>().empty()) {
    app_error(self, chat_errc::invalid_input, "content must be a non-empty string", temp);
    return;
  }
  if (content->get_ref<const std::string&>().size() > st.ctx->settings.max_content_bytes) {
    app_error(
      self, chat_errc::invalid_input,
      "content longer than " + std::to_string(st.ctx->settings.max_content_bytes) + " bytes", temp);
    return;
  }
  if (!temp_id || temp_id->empty()) {
    app_error(self, chat_errc::invalid_input,
              "tempId must be a string of 1 to " + std::to_string(max_temp_id) + " bytes");
    return;
  }
  auto type = text_field(body, "type", 16);
  auto thread_id = text_field(body, "threadId", 64);
  auto reply_to = text_field(body, "replyTo", 64);
  if (!type || !thread_id || !reply_to) {
    app_error(self, chat_errc::invalid_input, "type, threadId and replyTo must be short strings",
              temp);
    return;
  }
  chat_message draft;
  draft.room_id = *room_id;
  draft.sender_id = st.user_id;
  draft.temp_id = *temp_id;
  draft.content = content->get<std::string>();
  draft.type = type->empty() ? "TEXT" : *type;
  draft.thread_id = *thread_id;
  draft.reply_to = *reply_to;
  if (auto mentions = body.find("mentions"); mentions != body.end() && !mentions->is_null()) {
    if (!mentions->is_array() || mentions->size() > max_mentions) {
      app_error(self, chat_errc::invalid_input, "mentions must be an array of user ids", temp);
      return;
    }
    for (auto& m : *mentions) {
      if (!m.is_number_integer() || m.get<int64_t>() <= 0) {
        app_error(self, chat_errc::invalid_input, "mentions must be an array of user ids", temp);
        return;
      }
      draft.mentions.push_back(m.get<int64_t>());
    }
  }
  if (!st.ctx->limiter->allow(st.user_id)) {
    auto status = make_status(draft.room_id, draft.temp_id, delivery_status::failed);
    status.error_code = wire_code(chat_errc::rate_limited);
    status.error_message = "too many messages: slow down";
    deliver_status(self, status);
    app_error(self, chat_errc::rate_limited, status.error_message, draft.temp_id);
    return;
  }
  deliver_status(self, make_status(draft.room_id, draft.temp_id, delivery_status::sending));
  admit(self, std::move(draft), 0);
}

/// /app/read and /app/read-all: move the read position, then tell the room (unread counts).
void mark_read(conn_ptr self, int64_t room_id, int64_t seq) {
  auto& st = self->state;
  self
    ->request(st.ctx->rooms, st.ctx->settings.request_timeout, read_atom::value, room_id,
              st.user_id, seq)
    .then(
      [self, room_id](room_view& view) {
        auto read_seq = view.room.last_seq - view.unread_count;
        with_room(
          self, room_id,
          [self, read_seq](room_actor& room) {
            self->send(room, read_atom::value, self->state.user_id, read_seq);
          },
          [](caf::error&) {});
      },
      [self](caf::error& err) { app_error(self, app_code(err), describe(err)); });
}

/// /app/sync: a page of history on /user/queue/sync.
void sync(conn_ptr self, int64_t room_id, int64_t after, int32_t limit) {
  auto& st = self->state;
  self
    ->request(st.ctx->rooms, st.ctx->settings.request_timeout, get_atom::value, room_id, st.user_id)
    .then(
      [self, room_id, after, limit](room_view&) {
        auto& st = self->state;
        self
          ->request(st.ctx->messages, st.ctx->settings.request_timeout, history_atom::value,
                    history_query{room_id, after, 0, limit, false})
          .then(
            [self, room_id](history_page& page) {
              json messages = json::array();
              for (auto& msg : page.messages)
                messages.push_back(to_json(msg));
              to_queue(self, "/user/queue/sync",
                       dump(json{{"roomId", room_id},
                                 {"messages", std::move(messages)},
                                 {"hasMore", page.has_more}}));
            },
            [self](caf::error& err) { app_error(self, app_code(err), describe(err)); });
      },
      [self](caf::error& err) { app_error(self, app_code(err), describe(err)); });
}

void typing(conn_ptr self, int64_t room_id, bool is_typing) {
  auto& st = self->state;
  auto now = clock_type::now();
  auto& last = st.last_typing[room_id];
  if (now - last < st.ctx->settings.typing_interval)
    return; // rate-limited per user and room
  last = now;
  with_room(
    self, room_id,
    [self, is_typing](room_actor& room) {
      self->send(room, typing_atom::value, self->state.user_id, is_typing);
    },
    [](caf::error&) {});
}

void handle_send(conn_ptr self, const stomp_frame& frame) {
  auto* destination = frame.header("destination");
  if (destination == nullptr) {
    close_with_error(self, "SEND needs a destination");
    return;
  }
  auto body = json::parse(frame.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    app_error(self, chat_errc::invalid_input, "the body of a SEND must be a JSON object");
    receipt(self, frame);
    return;
  }
  auto room_id = id_field(body, "roomId");
  if (*destination == "/app/chat") {
    send_chat(self, body);
  } else if (*destination == "/app/read" || *destination == "/app/read-all") {
    auto all = *destination == "/app/read-all";
    auto seq = body.find("seq");
    if (!room_id ||
        (!all && (seq == body.end() || !seq->is_number_integer() || seq->get<int64_t>() < 0)))
      app_error(self, chat_errc::invalid_input,
                all ? "read-all needs {roomId}" : "read needs {roomId, seq}");
    else
      mark_read(self, *room_id, all ? -1 : seq->get<int64_t>());
  } else if (*destination == "/app/sync") {
    auto after = body.find("afterSeq");
    auto limit = body.find("limit");
    if (!room_id || after == body.end() || !after->is_number_integer() ||
        after->get<int64_t>() < 0 || (limit != body.end() && !limit->is_number_integer()))
      app_error(self, chat_errc::invalid_input, "sync needs {roomId, afterSeq, limit?}");
    else
      sync(self, *room_id, after->get<int64_t>(),
           static_cast<int32_t>(
             std::clamp<int64_t>(limit != body.end() ? limit->get<int64_t>() : 50, 1, 200)));
  } else if (*destination == "/app/typing") {
    auto is_typing = body.find("isTyping");
    if (!room_id || is_typing == body.end() || !is_typing->is_boolean())
      app_error(self, chat_errc::invalid_input, "typing needs {roomId, isTyping}");
    else
      typing(self, *room_id, is_typing->get<bool>());
  } else {
    app_error(self, std::string{"UNKNOWN_DESTINATION"}, "unknown destination " + *destination);
  }
  receipt(self, frame);
}

// -- SUBSCRIBE --------------------------------------------------------------------------------

/// Replays stored messages of a subscription up to replay_until, a page at a time, pausing
/// while the client's outbound queue is more than half full.
void replay(conn_ptr self, const std::string& sub_id) {
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
  if (st.out->queued() > st.ctx->settings.max_outbound_frames / 2) {
    self->delayed_send(self, std::chrono::milliseconds(20), resume_atom::value, sub_id);
    return;
  }
  history_query query{sub.room_id, sub.last_seq, sub.replay_until + 1, st.ctx->settings.replay_page,
                      false};
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
          emit(self, sub, std::make_shared<const std::string>(encode_message(msg)));
        }
        if (!page.has_more)
          sub.last_seq = std::max(sub.last_seq, sub.replay_until);
        replay(self, sub_id);
      },
      [self, sub_id](caf::error& err) {
        spdlog::warn("connection: replay failed: {}", describe(err));
        close_with_error(self, "replay failed", describe(err));
      });
}

std::optional<std::pair<int64_t, room_topic>> room_destination(std::string_view destination,
                                                               kind& out) {
  static constexpr std::pair<std::string_view, room_topic> topics[] = {
    {"/topic/messages/", room_topic::messages},
    {"/topic/typing/", room_topic::typing},
    {"/topic/active/", room_topic::active},
    {"/topic/message/status/", room_topic::messages},
  };
  for (auto& [prefix, topic] : topics) {
    if (destination.substr(0, prefix.size()) != prefix)
      continue;
    auto id = parse_id(destination.substr(prefix.size()));
    if (!id)
      return std::nullopt;
    out = prefix == "/topic/message/status/" ? kind::status : kind::room;
    return std::make_pair(*id, topic);
  }
  return std::nullopt;
}

bool is_user_queue(std::string_view destination) {
  return destination == "/user/queue/room-updates" || destination == "/user/queue/errors" ||
         destination == "/user/queue/sync" || destination == "/user/queue/notifications";
}

void handle_subscribe(conn_ptr self, const stomp_frame& frame) {
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
  connection_state::subscription sub;
  sub.id = *id;
  sub.destination = *destination;
  sub.head = "MESSAGE\ndestination:" + stomp_escape(*destination) +
             "\nsubscription:" + stomp_escape(*id) + "\ncontent-type:application/json\n";
  if (is_user_queue(*destination)) {
    sub.kind = kind::user_queue;
    sub.pending = false;
    st.subscriptions.emplace(*id, std::move(sub));
    receipt(self, frame);
    return;
  }
  auto parsed = room_destination(*destination, sub.kind);
  if (!parsed) {
    app_error(self, std::string{"UNKNOWN_DESTINATION"}, "unknown destination " + *destination);
    receipt(self, frame);
    return;
  }
  sub.room_id = parsed->first;
  sub.topic = parsed->second;
  std::optional<int64_t> since;
  if (auto* since_seq = frame.header("since-seq")) {
    since = parse_seq(*since_seq);
    if (!since || sub.kind != kind::room || sub.topic != room_topic::messages) {
      app_error(self, chat_errc::invalid_input,
                "since-seq must be a non-negative integer on /topic/messages/{roomId}");
      receipt(self, frame);
      return;
    }
  }
  auto sub_id = *id;
  auto room_id = sub.room_id;
  auto sub_kind = sub.kind;
  auto topic = sub.topic;
  st.subscriptions.emplace(sub_id, std::move(sub));
  auto frame_copy = std::make_shared<stomp_frame>(frame);
  auto refuse = [self, sub_id, frame_copy](const caf::error& err) {
    self->state.subscriptions.erase(sub_id);
    app_error(self, app_code(err), describe(err));
    receipt(self, *frame_copy);
  };
  auto me = caf::actor_cast<connection_actor>(self);
  with_room(
    self, room_id,
    [self, sub_id, room_id, sub_kind, topic, since, me, refuse, frame_copy](room_actor& room) {
      auto& st = self->state;
      if (sub_kind == kind::status) {
        // Only its own statuses: membership is the only check.
        self->request(room, st.ctx->settings.request_timeout, members_atom::value, st.user_id)
          .then(
            [self, sub_id, refuse, frame_copy](bool member) {
              if (!member) {
                refuse(make_error(chat_errc::not_member, "not a member of this room"));
                return;
              }
              if (auto i = self->state.subscriptions.find(sub_id);
                  i != self->state.subscriptions.end())
                i->second.pending = false;
              receipt(self, *frame_copy);
            },
            refuse);
        return;
      }
      self
        ->request(st.ctx->fanout, st.ctx->settings.request_timeout, subscribe_atom::value, room_id,
                  room, topic, st.user_id, me)
        .then(
          [self, sub_id, since, frame_copy](int64_t delivered) {
            auto& st = self->state;
            auto i = st.subscriptions.find(sub_id);
            if (i == st.subscriptions.end())
              return;
            auto& sub = i->second;
            sub.pending = false;
            if (since && *since < delivered) {
              // Stored messages first (since, delivered], then what arrived live meanwhile.
              sub.last_seq = *since;
              sub.replay_until = delivered;
              sub.replaying = true;
              receipt(self, *frame_copy);
              replay(self, sub_id);
              return;
            }
            sub.last_seq = since ? std::max(*since, delivered) : delivered;
            receipt(self, *frame_copy);
            flush_held(self, sub);
          },
          refuse);
    },
    refuse);
}

void handle_unsubscribe(conn_ptr self, const stomp_frame& frame) {
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
    if (sub.kind == kind::room) {
      bool still_used =
        std::any_of(st.subscriptions.begin(), st.subscriptions.end(), [&](const auto& entry) {
          return entry.second.kind == kind::room && entry.second.room_id == sub.room_id &&
                 entry.second.topic == sub.topic;
        });
      if (!still_used)
        self->send(st.ctx->fanout, unsubscribe_atom::value, sub.room_id, sub.topic,
                   caf::actor_cast<connection_actor>(self));
    }
  }
  receipt(self, frame);
}

// -- CONNECT ----------------------------------------------------------------------------------

/// "cx,cy" of a heart-beat header.
std::optional<std::pair<int64_t, int64_t>> parse_heartbeat(const std::string& text) {
  auto comma = text.find(',');
  if (comma == std::string::npos)
    return std::nullopt;
  auto x = parse_seq(std::string_view{text}.substr(0, comma));
  auto y = parse_seq(std::string_view{text}.substr(comma + 1));
  if (!x || !y)
    return std::nullopt;
  return std::make_pair(*x, *y);
}

std::string token_of(const connection_state& st, const stomp_frame& frame) {
  for (auto* name : {"Authorization", "authorization"})
    if (auto* header = frame.header(name)) {
      constexpr std::string_view bearer = "Bearer ";
      if (header->compare(0, bearer.size(), bearer) == 0)
        return header->substr(bearer.size());
      return *header;
    }
  if (auto* passcode = frame.header("passcode"))
    return *passcode;
  return st.url_token;
}

/// Tells the user's rooms that the user is here (/topic/active/{roomId}).
void announce_presence(conn_ptr self) {
  auto& st = self->state;
  self->request(st.ctx->rooms, st.ctx->settings.request_timeout, list_atom::value, st.user_id)
    .then(
      [self](std::vector<room_view>& rooms) {
        for (auto& view : rooms) {
          auto room_id = view.room.id;
          with_room(
            self, room_id,
            [self, room_id](room_actor& room) {
              if (!self->state.connected)
                return;
              self->state.present_in.push_back(room_id);
              self->send(room, active_atom::value, self->state.user_id, true);
            },
            [](caf::error&) {});
        }
      },
      [](caf::error&) {});
}

void handle_connect(conn_ptr self, const stomp_frame& frame) {
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
    auto parsed = parse_heartbeat(*heartbeat);
    if (!parsed) {
      close_with_error(self, "malformed heart-beat header");
      return;
    }
    std::tie(client_sends, client_wants) = *parsed;
  }
  std::string why;
  auto claims = st.ctx->tokens->verify(token_of(st, frame), token_kind::access, now_seconds(), why);
  if (!claims) {
    close_with_error(self, "authentication failed", why);
    return;
  }
  st.connected = true;
  st.user_id = claims->user_id;
  st.username = claims->username;
  auto offer = st.ctx->settings.heartbeat.count();
  st.send_every = std::chrono::milliseconds{client_wants > 0 ? std::max(offer, client_wants) : 0};
  st.expect_every = std::chrono::milliseconds{client_sends > 0 ? std::max(offer, client_sends) : 0};
  write(self, encode_frame("CONNECTED",
                           {{"version", "1.2"},
                            {"heart-beat", std::to_string(offer) + "," + std::to_string(offer)},
                            {"server", "chatd/0.1"},
                            {"session", st.session_id},
                            {"user-name", std::to_string(st.user_id)}}));
  self->send(st.ctx->fanout, join_atom::value, st.user_id, caf::actor_cast<connection_actor>(self));
  announce_presence(self);
  receipt(self, frame);
}

void handle_frame(conn_ptr self, const stomp_frame& frame) {
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
  if (command == "SEND") {
    handle_send(self, frame);
  } else if (command == "SUBSCRIBE") {
    handle_subscribe(self, frame);
  } else if (command == "UNSUBSCRIBE") {
    handle_unsubscribe(self, frame);
  } else if (command == "DISCONNECT") {
    receipt(self, frame);
    st.closing = true;
    cleanup(self);
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

void on_tick(conn_ptr self) {
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
  }
  self->delayed_send(self, tick_period, tick_atom::value);
}

} // namespace

connection_actor::behavior_type
connection(connection_actor::stateful_pointer<connection_state> self,
           std::shared_ptr<gateway_context> ctx, std::shared_ptr<outbound_channel> out,
           std::string url_token, std::string remote) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.out = std::move(out);
  st.url_token = std::move(url_token);
  st.remote = std::move(remote);
  st.session_id = make_uuid().substr(24);
  st.parser = stomp_parser{stomp_limits{st.ctx->settings.max_frame_bytes, 64, 8 * 1024}};
  st.opened = st.last_in = st.last_out = clock_type::now();
  auto& counters = metrics::instance();
  ++counters.connections_open;
  ++counters.connections_total;
  self->attach_functor([] { --metrics::instance().connections_open; });
  self->delayed_send(self, tick_period, tick_atom::value);
  self->set_down_handler([self](caf::down_msg& msg) { room_actor_down(self, msg.source); });
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
      cleanup(self);
      self->quit();
    },
    [=](overflow_atom) {
      ++metrics::instance().slow_consumers_dropped;
      close_with_error(self, "slow consumer", "the client does not read fast enough");
    },
    [=](tick_atom) { on_tick(self); },
    [=](status_event& event) {
      if (event.status == delivery_status::saved || event.status == delivery_status::failed) {
        if (stale_failure(self, event) || moved_again(self, event))
          return;
        self->state.in_flight.erase({event.room_id, event.temp_id});
        self->state.moves.erase({event.room_id, event.temp_id});
      }
      deliver_status(self, event);
    },
    [=](const local_broadcast& event) {
      for (auto& [id, sub] : self->state.subscriptions)
        if (sub.kind == kind::room && sub.room_id == event.room_id && sub.topic == event.topic)
          deliver_message(self, sub, event);
    },
    [=](const room_update& update) {
      auto& st = self->state;
      for (auto& member : update.members)
        if (member.user_id == st.user_id) {
          to_queue(self, "/user/queue/room-updates", room_update_json(update, member.unread));
          return;
        }
    },
    [=](const mention_notification& notification) {
      if (notification.user_id == self->state.user_id)
        to_queue(self, "/user/queue/notifications", notification_json(notification));
    },
    [=](resume_atom, const std::string& sub_id) { replay(self, sub_id); },
  };
}

} // namespace chat
