// /api/v1/messages/schedule: scheduled messages of the caller. A schedule is sent by the node's
// scheduler at its time through the room's actor and saga (actors/background/scheduler.hpp);
// here it is created, listed, changed and cancelled while PENDING.
#include "gateway/rest/routes.hpp"

#include <limits>

#include "gateway/rest/common.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/schedule_json.hpp"
#include "protocol/recurrence.hpp"
#include "protocol/types/schedule.hpp"

namespace chat::rest {

namespace {

/// A schedule is at most this far ahead.
constexpr int64_t max_ahead_ms = 366LL * 24 * 3600 * 1000;

/// `scheduledAt` (ISO-8601 or epoch milliseconds), in the future and at most a year ahead;
/// nullopt after answering 400.
std::optional<int64_t> time_of(const json& body, const http_responder& respond) {
  auto field = body.find("scheduledAt");
  std::optional<int64_t> at;
  if (field != body.end() && field->is_string())
    at = parse_iso8601(field->get_ref<const std::string&>());
  else if (field != body.end() && field->is_number_integer())
    at = field->get<int64_t>();
  auto now = now_ms();
  if (!at || *at <= now || *at > now + max_ahead_ms) {
    bad_request(respond, "scheduledAt must be a time (ISO-8601, e.g. 2030-01-01T09:00:00Z) in "
                         "the future and at most a year ahead");
    return std::nullopt;
  }
  return at;
}

/// `recurrence`: absent or null (once), DAILY, WEEKLY or MONTHLY; false after answering 400.
bool recurrence_of(const json& body, bool& present, std::string& out,
                   const http_responder& respond) {
  auto field = body.find("recurrence");
  present = field != body.end();
  out.clear();
  if (!present || field->is_null())
    return true;
  if (field->is_string() && !field->get_ref<const std::string&>().empty() &&
      valid_recurrence(field->get_ref<const std::string&>())) {
    out = field->get<std::string>();
    return true;
  }
  bad_request(respond, "recurrence must be null, DAILY, WEEKLY or MONTHLY");
  return false;
}

/// `content`: 1 byte up to a message's limit; false after answering 400.
bool content_of(const ctx_ptr& ctx, const json& body, bool required, bool& present,
                std::string& out, const http_responder& respond) {
  auto field = body.find("content");
  present = field != body.end();
  if (!present && !required)
    return true;
  if (present && field->is_string() && !field->get_ref<const std::string&>().empty() &&
      field->get_ref<const std::string&>().size() <= ctx->settings.max_content_bytes) {
    out = field->get<std::string>();
    return true;
  }
  bad_request(respond, "content must be a string of 1 to " +
                         std::to_string(ctx->settings.max_content_bytes) + " bytes");
  return false;
}

/// POST /messages/schedule {roomId, content, scheduledAt, recurrence?}: 201 schedule.
void create(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto request = caller_and_body(ctx, req, respond);
  if (!request)
    return;
  auto& [caller, body] = *request;
  scheduled_message draft;
  draft.sender_id = caller;
  auto room_id = id_field(body, "roomId");
  if (!room_id) {
    bad_request(respond, "roomId must be a positive integer");
    return;
  }
  draft.room_id = *room_id;
  bool present = false;
  if (!content_of(ctx, body, true, present, draft.content, respond) ||
      !recurrence_of(body, present, draft.recurrence, respond))
    return;
  auto at = time_of(body, respond);
  if (!at)
    return;
  draft.scheduled_at = *at;
  ask_once(
    ctx, respond, ctx->schedules,
    [respond](scheduled_message& created) { respond(json_answer(201, to_json(created))); },
    schedule_atom::value, std::move(draft));
}

/// GET /messages/schedule?roomId: the caller's schedules, the next due first.
void list(ctx_ptr ctx, http_request req, route_params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  if (!caller)
    return;
  auto room_id = query_number(req, "roomId", 0, 1, std::numeric_limits<int64_t>::max());
  if (!room_id) {
    bad_request(respond, "roomId must be a positive integer");
    return;
  }
  ask_once(
    ctx, respond, ctx->schedules,
    [respond](std::vector<scheduled_message>& found) {
      respond(json_answer(200, json_array_of(found)));
    },
    schedules_atom::value, *caller, *room_id);
}

/// PUT /messages/schedule/{scheduleId} {content?, scheduledAt?, recurrence?}: 200 schedule
/// (only while PENDING: 409 otherwise).
void modify(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto request = caller_and_body(ctx, req, respond);
  auto id = request ? path_id(params, "scheduleId", respond) : std::nullopt;
  if (!id)
    return;
  auto& [caller, body] = *request;
  schedule_change change;
  change.id = *id;
  change.user_id = caller;
  if (!content_of(ctx, body, false, change.set_content, change.content, respond) ||
      !recurrence_of(body, change.set_recurrence, change.recurrence, respond))
    return;
  if (body.contains("scheduledAt")) {
    auto at = time_of(body, respond);
    if (!at)
      return;
    change.scheduled_at = *at;
  }
  ask_once(
    ctx, respond, ctx->schedules,
    [respond](scheduled_message& changed) { respond(json_answer(200, to_json(changed))); },
    schedule_set_atom::value, std::move(change));
}

/// DELETE /messages/schedule/{scheduleId}: 204, the schedule CANCELLED.
void cancel(ctx_ptr ctx, http_request req, route_params params, http_responder respond) {
  auto caller = authenticate(ctx, req, respond);
  auto id = caller ? path_id(params, "scheduleId", respond) : std::nullopt;
  if (!id)
    return;
  ask_once(
    ctx, respond, ctx->schedules, [respond](bool) { respond(no_content()); },
    schedule_cancel_atom::value, *caller, *id);
}

} // namespace

void add_schedule_routes(router& routes, const ctx_ptr& ctx) {
  routes.add("POST", "/api/v1/messages/schedule", route_to(ctx, create));
  routes.add("GET", "/api/v1/messages/schedule", route_to(ctx, list));
  routes.add("PUT", "/api/v1/messages/schedule/{scheduleId}", route_to(ctx, modify));
  routes.add("DELETE", "/api/v1/messages/schedule/{scheduleId}", route_to(ctx, cancel));
}

} // namespace chat::rest
