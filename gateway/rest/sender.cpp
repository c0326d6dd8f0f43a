#include "gateway/rest/sender.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>
#include <caf/stateful_actor.hpp>

#include "gateway/gateway_context.hpp"
#include "protocol/errors.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/change.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/saga.hpp"

namespace chat {

namespace {

using done_fn = std::function<void(const chat_message*, const caf::error&)>;

struct sender_state {
  static inline const char* name = "rest_sender";
  std::shared_ptr<gateway_context> ctx;
  chat_message draft;
  done_fn done;
  bool finished = false;
};

using sender_ptr = caf::stateful_actor<sender_state>*;

void finish(sender_ptr self, const chat_message* msg, const caf::error& err) {
  auto& st = self->state;
  if (st.finished)
    return;
  st.finished = true;
  st.done(msg, err);
  self->quit();
}

/// SAVED: the answer is the stored message.
void saved(sender_ptr self, const std::string& id) {
  auto& st = self->state;
  self->request(st.ctx->messages, st.ctx->settings.request_timeout, message_atom::value, id)
    .then([self](chat_message& msg) { finish(self, &msg, {}); },
          [self](caf::error& err) { finish(self, nullptr, err); });
}

caf::error failure(const status_event& status) {
  for (auto code : {chat_errc::temp_id_reused, chat_errc::not_member, chat_errc::invalid_input,
                    chat_errc::rate_limited, chat_errc::forbidden, chat_errc::not_found,
                    chat_errc::blocked, chat_errc::overloaded})
    if (status.error_code == wire_code(code))
      return make_error(code, status.error_message);
  return make_error(chat_errc::unavailable, status.error_message);
}

void on_status(sender_ptr self, const status_event& status) {
  if (status.temp_id != self->state.draft.temp_id)
    return;
  if (status.status == delivery_status::saved)
    saved(self, status.persisted_id);
  else if (status.status == delivery_status::failed)
    finish(self, nullptr, failure(status));
}

void admit(sender_ptr self, int attempt) {
  auto& st = self->state;
  auto timeout = st.ctx->settings.request_timeout;
  self->request(st.ctx->directory, timeout, lookup_atom::value, st.draft.room_id)
    .then(
      [self, timeout, attempt](room_actor& room) {
        auto& st = self->state;
        self
          ->request(room, timeout, send_atom::value, st.draft,
                    caf::actor_cast<status_sink_actor>(self))
          .then([self](status_event& reply) { on_status(self, reply); },
                [self, attempt](caf::error& err) {
                  // A room actor that stopped meanwhile (passivated, moved): its new one.
                  if (attempt == 0 && (err == caf::sec::request_receiver_down ||
                                       code_of(err) == chat_errc::room_stopped))
                    admit(self, attempt + 1);
                  else
                    finish(self, nullptr, err);
                });
      },
      [self](caf::error& err) { finish(self, nullptr, err); });
}

caf::behavior sender(sender_ptr self, std::shared_ptr<gateway_context> ctx, chat_message draft,
                     done_fn done) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.draft = std::move(draft);
  st.done = std::move(done);
  // Bounded: a saga ends within its lifetime, far below this.
  self->delayed_send(self, st.ctx->settings.request_timeout * 3, tick_atom::value);
  admit(self, 0);
  return {
    [=](status_event& status) { on_status(self, status); },
    [=](tick_atom) {
      finish(self, nullptr, make_error(chat_errc::unavailable, "no answer from the room"));
    },
  };
}

} // namespace

void send_and_wait(const std::shared_ptr<gateway_context>& ctx, chat_message draft, done_fn done) {
  // The same budget as the user's STOMP sends.
  if (ctx->limiter && !ctx->limiter->allow(draft.sender_id)) {
    done(nullptr, make_error(chat_errc::rate_limited, "too many messages; slow down"));
    return;
  }
  ctx->sys->spawn(sender, ctx, std::move(draft), std::move(done));
}

void change_message(const std::shared_ptr<gateway_context>& ctx, message_change change,
                    std::function<void(const change_outcome*, const caf::error&)> done) {
  ctx->sys->spawn([ctx, change = std::move(change), done](caf::event_based_actor* self) {
    auto timeout = ctx->settings.request_timeout;
    auto fail = [done](caf::error& err) { done(nullptr, err); };
    self->request(ctx->messages, timeout, message_atom::value, change.message_id)
      .then(
        [=](chat_message& msg) {
          self->request(ctx->directory, timeout, lookup_atom::value, msg.room_id)
            .then(
              [=](room_actor& room) {
                self->request(room, timeout, change_atom::value, change)
                  .then([done](change_outcome& outcome) { done(&outcome, {}); }, fail);
              },
              fail);
        },
        fail);
  });
}

} // namespace chat
