// What the message areas (messages, threads, pins, reactions, bookmarks) share: reading a
// message for a member of its room, and answering a change of a message.
#pragma once

#include <string>

#include "gateway/rest/common.hpp"
#include "gateway/rest/sender.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/change.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/room.hpp"

namespace chat::rest {

/// A message id of the path or body: a non-empty string of at most 64 bytes; answers 400.
std::optional<std::string> message_id_in(const std::string* text, const http_responder& respond);

/// The `messageId` field of a body, checked as above.
std::optional<std::string> message_id_of(const json& body, const http_responder& respond);

/// Runs `then(self, msg)` when the message exists (404 otherwise) and `caller` is a member of
/// its room (403 otherwise).
template <class Then>
void as_reader(const ctx_ptr& ctx, int64_t caller, const std::string& message_id,
               const http_responder& respond, Then then) {
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->messages,
      [=](chat_message& msg) {
        ask(
          self, ctx, respond, ctx->membership, [=](room_view&) mutable { then(self, msg); },
          view_atom::value, msg.room_id, caller);
      },
      message_atom::value, message_id);
  });
}

/// Sends the message of a body ({roomId, content, tempId, ...}) through its room's saga;
/// answers 201 with the message once SAVED, or why not.
void send_body(const ctx_ptr& ctx, int64_t caller, const json& body, const http_responder& respond);

/// Has the message's room decide the change; answers `ok_status` with the message as it now
/// is (204: no body), or the refusal.
void answer_change(const ctx_ptr& ctx, message_change change, int ok_status,
                   const http_responder& respond);

} // namespace chat::rest
