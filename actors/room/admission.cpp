// Admission: membership, the (sender, tempId) dedupe window, the next seq, and the saga.
#include "actors/room/room_parts.hpp"

#include <algorithm>

#include "actors/saga/message_saga.hpp"
#include "protocol/clock.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"
#include "protocol/uuid.hpp"

namespace chat::room_parts {

namespace {

status_event rejection(int64_t room_id, const std::string& temp_id, chat_errc code,
                       std::string text) {
  auto result = make_status(room_id, temp_id, delivery_status::failed);
  result.error_code = wire_code(code);
  result.error_message = std::move(text);
  ++metrics::instance().messages_rejected;
  return result;
}

} // namespace

status_event admit(room_ptr self, chat_message msg, status_sink_actor sink) {
  auto& st = self->state;
  if (msg.room_id != st.id)
    return rejection(st.id, msg.temp_id, chat_errc::invalid_input, "wrong room");
  if (st.members.count(msg.sender_id) == 0)
    return rejection(st.id, msg.temp_id, chat_errc::not_member,
                     "user " + std::to_string(msg.sender_id) + " is not a member of room " +
                       std::to_string(st.id));
  if (msg.content.empty() && msg.forwarded_from.empty())
    return rejection(st.id, msg.temp_id, chat_errc::invalid_input, "empty message");
  if (msg.content.find('\0') != std::string::npos || msg.temp_id.find('\0') != std::string::npos)
    return rejection(st.id, msg.temp_id, chat_errc::invalid_input, "NUL in message");
  if (msg.temp_id.empty())
    msg.temp_id = make_uuid();
  auto content_hash = dedupe_window::hash_content(msg.content);
  if (auto* entry = st.dedupe.find(msg.sender_id, msg.temp_id)) {
    // The same tempId with another content is another message: never answered with the
    // first one's outcome.
    if (entry->content_hash != content_hash)
      return rejection(st.id, msg.temp_id, chat_errc::temp_id_reused,
                       "tempId " + msg.temp_id + " was used for another message");
    ++metrics::instance().messages_duplicate;
    if (entry->saved)
      return make_status(st.id, msg.temp_id, delivery_status::saved, entry->seq, entry->message_id);
    if (std::find(entry->waiters.begin(), entry->waiters.end(), sink) == entry->waiters.end())
      entry->waiters.push_back(sink);
    return make_status(st.id, msg.temp_id, delivery_status::processing, entry->seq);
  }
  // Checked after the dedupe window: a retry of an admitted message needs no place.
  if (!st.places.take()) {
    ++metrics::instance().messages_overloaded;
    return rejection(st.id, msg.temp_id, chat_errc::overloaded,
                     "the node has as many messages in flight as it takes; send again later");
  }
  msg.id = make_uuid();
  msg.seq = st.next_seq++;
  if (msg.created_at == 0)
    msg.created_at = now_ms();
  msg.state = message_state::pending;
  st.dedupe.remember(msg.sender_id, msg.temp_id,
                     dedupe_window::entry{msg.seq, msg.id, content_hash, false, {}, sink});
  st.unsettled.emplace(msg.id, msg.seq);
  st.unsettled_ids.emplace(msg.seq, msg.id);
  auto saga = self->spawn(message_saga, msg, sink,
                          saga_deps{st.deps.messages, st.deps.commits, self}, st.settings.saga);
  self->monitor(saga);
  st.sagas.emplace(saga.address(), msg.seq);
  ++metrics::instance().messages_accepted;
  return make_status(st.id, msg.temp_id, delivery_status::processing, msg.seq);
}

} // namespace chat::room_parts
