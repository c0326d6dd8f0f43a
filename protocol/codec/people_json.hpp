// JSON of people: profiles, friend requests, recommendations (docs/api.md, "REST: people").
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "protocol/fwd.hpp"

namespace chat {

/// user plus `bio, avatarUrl, status, statusMessage, lastSeenAt` (ISO or null), `online`.
nlohmann::json to_json(const profile& x);

/// `{id, from:user, to:user, createdAt}`.
nlohmann::json to_json(const friend_request& x);

/// `{user, depth, mutualFriends}`.
nlohmann::json to_json(const recommendation& x);

/// The `/user/queue/friends` push: `{kind, request?, friend?}`.
nlohmann::json friends_push_json(const char* kind, const friend_request* request,
                                 const profile* new_friend);

} // namespace chat
