#include "gateway/room_changes.hpp"

#include "gateway/gateway_context.hpp"
#include "gateway/http/actor_bridge.hpp"
#include "protocol/codec/room_json.hpp"
#include "protocol/types/change.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/room_admin.hpp"

namespace chat {

void push_room_change(caf::event_based_actor* self, const std::shared_ptr<gateway_context>& ctx,
                      int64_t room_id, std::string reason, std::vector<int64_t> gone,
                      std::function<void()> then) {
  auto fanout = ctx->fanout;
  auto deliver = [self, fanout, room_id, reason, gone](const std::vector<room_view>& views) {
    for (auto& view : views)
      self->send(fanout, user_delivery{{view.viewer},
                                       "/user/queue/room-updates",
                                       room_change_json(room_id, &view, reason)});
    if (!gone.empty())
      self->send(fanout, user_delivery{gone, "/user/queue/room-updates",
                                       room_change_json(room_id, nullptr, reason)});
  };
  self->request(ctx->membership, ctx->settings.request_timeout, member_views_atom::value, room_id)
    .then(
      [deliver, then](std::vector<room_view>& views) {
        deliver(views);
        then();
      },
      [deliver, then](caf::error&) {
        deliver({});
        then();
      });
}

void after_room_change(caf::event_based_actor* self, const std::shared_ptr<gateway_context>& ctx,
                       int64_t room_id, const room_admin_result& result,
                       std::function<void()> then) {
  if (result.version == 0) {
    then();
    return;
  }
  auto reason = result.reason;
  auto gone = result.gone;
  reload_members(self, ctx, room_id,
                 [=] { push_room_change(self, ctx, room_id, reason, gone, then); });
}

void reload_members(caf::event_based_actor* self, const std::shared_ptr<gateway_context>& ctx,
                    int64_t room_id, std::function<void()> then) {
  auto timeout = ctx->settings.request_timeout;
  self->request(ctx->directory, timeout, lookup_atom::value, room_id)
    .then(
      [self, timeout, then](room_actor& room) {
        self->request(room, timeout, reload_atom::value)
          .then([then](bool) { then(); }, [then](caf::error&) { then(); });
      },
      [then](caf::error&) { then(); });
}

void after_message_change(const std::shared_ptr<gateway_context>& ctx,
                          const change_outcome& outcome) {
  if (!outcome.pins_changed || outcome.version == 0)
    return;
  in_actor(*ctx->sys, [ctx, room_id = outcome.message.room_id](caf::event_based_actor* self) {
    push_room_change(self, ctx, room_id, "PINS_CHANGED", {}, [] {});
  });
}

} // namespace chat
