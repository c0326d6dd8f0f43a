// Telling members of a change of their room: the room (wherever it runs) reloads its members,
// then every member's sessions on every node get the room as it now looks to them on
// /user/queue/room-updates. Shared by the REST areas and the STOMP destinations.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "protocol/fwd.hpp"

namespace chat {

struct gateway_context;

/// Tells every member of a room (on every node) how the room looks to them now, on
/// /user/queue/room-updates with `reason`, and the users in `gone` that they lost it (room
/// null); then runs `then` (also when the room cannot be read: the change itself stands).
void push_room_change(caf::event_based_actor* self, const std::shared_ptr<gateway_context>& ctx,
                      int64_t room_id, std::string reason, std::vector<int64_t> gone,
                      std::function<void()> then);

/// After a change of a room by the membership store: when it changed something, the room
/// reloads its members and every member (and each user in `result.gone`) hears of it; then
/// `then` runs.
void after_room_change(caf::event_based_actor* self, const std::shared_ptr<gateway_context>& ctx,
                       int64_t room_id, const room_admin_result& result,
                       std::function<void()> then);

/// Has the room (wherever it runs) reload its members, then runs `then` (also when the room
/// cannot be reached: it reads them anyway when it activates).
void reload_members(caf::event_based_actor* self, const std::shared_ptr<gateway_context>& ctx,
                    int64_t room_id, std::function<void()> then);

/// After a change of a message by its room: a pin, an unpin or the delete of a pinned message
/// changed the room (its `pinned`), so every member hears of it with reason PINS_CHANGED.
/// Needs no actor of the caller's.
void after_message_change(const std::shared_ptr<gateway_context>& ctx,
                          const change_outcome& outcome);

} // namespace chat
