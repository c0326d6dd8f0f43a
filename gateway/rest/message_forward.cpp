// POST /api/v1/messages/forward: one new message per target room through the normal saga,
// each with forwardedFrom. The caller must be a member of the source's room and of every
// target; nothing is sent unless all of them check out.
#include "gateway/rest/routes.hpp"

#include <algorithm>

#include "gateway/message_fields.hpp"
#include "gateway/rest/message_access.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/uuid.hpp"

namespace chat::rest {

namespace {

constexpr size_t max_targets = 10;
/// A caller's tempId is extended by ":{roomId}" per target: it must leave room for that.
constexpr size_t max_forward_temp_id = max_temp_id_bytes - 21;

/// Collects the per-target answers; answers once all are in (the first failure otherwise).
struct forward_answers {
  std::vector<std::optional<chat_message>> sent;
  size_t remaining = 0;
  caf::error failure;
  http_responder respond;

  void done(size_t i, const chat_message* msg, const caf::error& err) {
    if (msg != nullptr)
      sent[i] = *msg;
    else if (!failure)
      failure = err;
    if (--remaining > 0)
      return;
    if (failure) {
      respond(error_response(failure));
      return;
    }
    json answer = json::array();
    for (auto& m : sent)
      answer.push_back(to_json(*m));
    respond(json_answer(201, answer));
  }
};

void send_all(const ctx_ptr& ctx, int64_t caller, const chat_message& source,
              const std::vector<int64_t>& targets, const std::string& content,
              const std::string& temp_id, const http_responder& respond) {
  auto answers = std::make_shared<forward_answers>();
  answers->sent.resize(targets.size());
  answers->remaining = targets.size();
  answers->respond = respond;
  for (size_t i = 0; i < targets.size(); ++i) {
    chat_message draft;
    draft.room_id = targets[i];
    draft.sender_id = caller;
    draft.content = content;
    draft.forwarded_from = forward_ref{source.id, source.room_id, source.sender_id};
    // Idempotent per target when the caller names a tempId.
    draft.temp_id =
      temp_id.empty() ? "forward:" + make_uuid() : temp_id + ":" + std::to_string(targets[i]);
    send_and_wait(
      ctx, std::move(draft),
      [answers, i](const chat_message* msg, const caf::error& err) { answers->done(i, msg, err); });
  }
}

/// {messageId, targetRoomIds, additionalContent?, tempId?}: 201 [message ...] in target order.
void forward(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto body = caller ? json_body(req, respond) : std::nullopt;
  if (!body)
    return;
  auto id = message_id_of(*body, respond);
  if (!id)
    return;
  auto targets = id_list(*body, "targetRoomIds", max_targets);
  auto comment = text_field(*body, "additionalContent", ctx->settings.max_content_bytes);
  auto temp_id = text_field(*body, "tempId", max_forward_temp_id);
  if (!targets || targets->empty() || !comment || !temp_id) {
    bad_request(respond, "forward needs {messageId, targetRoomIds: 1 to " +
                           std::to_string(max_targets) +
                           " room ids, additionalContent?, tempId? (at most " +
                           std::to_string(max_forward_temp_id) + " bytes)}");
    return;
  }
  std::sort(targets->begin(), targets->end());
  targets->erase(std::unique(targets->begin(), targets->end()), targets->end());
  as_reader(ctx, *caller, *id, respond, [=](self_ptr self, chat_message& source) {
    if (source.deleted) {
      respond(
        chat::error_response(chat_errc::message_deleted, "a deleted message is not forwarded"));
      return;
    }
    // The comment first, then the forwarded text.
    auto content = comment->empty() ? source.content : *comment + "\n\n" + source.content;
    if (content.size() > ctx->settings.max_content_bytes) {
      respond(chat::error_response(chat_errc::too_large,
                                   "the forwarded message would be longer than " +
                                     std::to_string(ctx->settings.max_content_bytes) + " bytes"));
      return;
    }
    // Every target's membership first: all or nothing.
    auto remaining = std::make_shared<size_t>(targets->size());
    auto refused = std::make_shared<bool>(false);
    for (auto target : *targets)
      self
        ->request(ctx->membership, ctx->settings.request_timeout, view_atom::value, target, *caller)
        .then(
          [=](room_view&) {
            if (--*remaining == 0 && !*refused)
              send_all(ctx, *caller, source, *targets, content, *temp_id, respond);
          },
          [=](caf::error& err) {
            if (!*refused)
              respond(error_response(err));
            *refused = true;
          });
  });
}

} // namespace

void add_forward_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("POST", "/api/v1/messages/forward", route_to(ctx, forward));
}

} // namespace chat::rest
