#include "protocol/codec/people_json.hpp"

#include <nlohmann/json.hpp>

#include "protocol/clock.hpp"
#include "protocol/codec/user_json.hpp"
#include "protocol/types/people.hpp"

namespace chat {

using json = nlohmann::json;

json to_json(const profile& x) {
  auto body = to_json(x.account);
  body["bio"] = x.bio;
  body["avatarUrl"] = x.avatar_url;
  body["status"] = x.status;
  body["statusMessage"] = x.status_message;
  body["lastSeenAt"] = x.last_seen_at > 0 ? json(iso8601(x.last_seen_at)) : json(nullptr);
  body["online"] = x.online;
  return body;
}

json to_json(const friend_request& x) {
  return json{{"id", x.id},
              {"from", to_json(x.from)},
              {"to", to_json(x.to)},
              {"createdAt", iso8601(x.created_at)}};
}

json to_json(const recommendation& x) {
  return json{
    {"user", to_json(x.account)}, {"depth", x.depth}, {"mutualFriends", x.mutual_friends}};
}

json friends_push_json(const char* kind, const friend_request* request, const profile* new_friend) {
  json body{{"kind", kind}};
  if (request != nullptr)
    body["request"] = to_json(*request);
  if (new_friend != nullptr)
    body["friend"] = to_json(*new_friend);
  return body;
}

} // namespace chat
