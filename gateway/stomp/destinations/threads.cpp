// /app/thread (a reply, with statuses like /app/chat), /app/thread/messages and
// /app/thread/detail (answered on /user/queue/thread).
#include "gateway/stomp/destinations.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "gateway/json_fields.hpp"
#include "gateway/message_fields.hpp"
#include "gateway/stomp/session_ops.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/room.hpp"

namespace chat {

namespace {

/// The parent of a thread, when the caller is a member of its room.
void with_parent(session_ptr self, const std::string& parent_id,
                 std::function<void(chat_message&)> then) {
  auto& st = self->state;
  auto destination = st.current_destination;
  auto fail = [self, destination](caf::error& err) {
    destination_scope scope{self, destination};
    app_error(self, app_code(err), describe(err));
  };
  auto timeout = st.ctx->settings.request_timeout;
  self->request(st.ctx->messages, timeout, message_atom::value, parent_id)
    .then(
      [self, then, fail, timeout](chat_message& parent) {
        auto& st = self->state;
        self->request(st.ctx->membership, timeout, view_atom::value, parent.room_id, st.user_id)
          .then([then, parent](room_view&) mutable { then(parent); }, fail);
      },
      fail);
}

std::optional<std::string> parent_of(session_ptr self, const nlohmann::json& body) {
  auto id = string_field(body, "parentMessageId");
  if (!id || id->empty() || id->size() > 64) {
    app_error(self, chat_errc::invalid_input, "parentMessageId must be a message id");
    return std::nullopt;
  }
  return id;
}

} // namespace

void send_reply(session_ptr self, const nlohmann::json& body) {
  auto parent = parent_of(self, body);
  if (!parent)
    return;
  auto with_thread = body;
  with_thread["threadId"] = *parent;
  std::string error;
  std::string temp_id;
  auto draft =
    read_draft(with_thread, self->state.user_id, self->state.ctx->settings, error, temp_id);
  if (!draft) {
    app_error(self, chat_errc::invalid_input, error, temp_id);
    return;
  }
  send_draft(self, std::move(*draft));
}

void thread_messages(session_ptr self, const nlohmann::json& body) {
  auto parent = parent_of(self, body);
  if (!parent)
    return;
  auto after = seq_field(body, "afterSeq").value_or(0);
  auto limit = static_cast<int32_t>(std::clamp<int64_t>(body.value("limit", int64_t{50}), 1, 200));
  with_parent(self, *parent, [self, after, limit](chat_message& parent) {
    auto& st = self->state;
    self
      ->request(st.ctx->messages, st.ctx->settings.request_timeout, thread_atom::value,
                thread_query{parent.id, after, limit})
      .then(
        [self, parent](history_page& page) {
          auto answer = to_json(page, hidden_in(self, parent.room_id));
          answer["parent"] = to_json(parent);
          to_queue(self, "/user/queue/thread", dump(answer));
        },
        [self](caf::error& err) { app_error(self, app_code(err), describe(err)); });
  });
}

void thread_detail(session_ptr self, const nlohmann::json& body) {
  auto parent = parent_of(self, body);
  if (!parent)
    return;
  with_parent(self, *parent, [self](chat_message& parent) {
    auto& st = self->state;
    self
      ->request(st.ctx->messages, st.ctx->settings.request_timeout, threads_atom::value,
                parent.room_id, parent.id, int32_t{1})
      .then(
        [self, parent](std::vector<thread_summary>& threads) {
          // No replies yet: the parent alone.
          auto summary = threads.empty() ? thread_summary{parent, 0, 0, {}} : threads.front();
          to_queue(self, "/user/queue/thread", dump(to_json(summary)));
        },
        [self](caf::error& err) { app_error(self, app_code(err), describe(err)); });
  });
}

} // namespace chat
