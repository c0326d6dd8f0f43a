// The REST areas: each registers its routes on the node's router (one line per area in
// rest_api.cpp).
#pragma once

#include <memory>

namespace chat {

class router;
struct gateway_context;

namespace rest {

/// POST /api/v1/auth/signup, /login, /refresh.
void add_auth_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// /api/v1/users/..., /api/v1/notifications.
void add_user_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// PUT /users/me, /users/status; GET /users/{userId}, /users/search; blocks.
void add_people_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// /api/v1/users/friends/..., /users/recommendations.
void add_friend_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// /api/v1/chatrooms/...
void add_room_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// GET /chatrooms/{roomId}/participants.
void add_participant_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// Room management: update, leave and delete, search, multiple creation, notice, favorites.
void add_room_admin_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// /api/v1/messages/...: history, detail, send, edit, delete, mark-read.
void add_message_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// /api/v1/messages/thread, /threads.
void add_thread_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// /api/v1/messages/reaction, /pin, /pins.
void add_reaction_and_pin_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// /api/v1/messages/search, /bookmark, /bookmarks.
void add_search_and_bookmark_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// /api/v1/messages/schedule: scheduled messages.
void add_schedule_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// /api/v1/messages/forward.
void add_forward_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

/// /healthz, /metrics, /api/v1/cluster.
void add_ops_routes(router& routes, const std::shared_ptr<gateway_context>& ctx);

} // namespace rest

} // namespace chat
