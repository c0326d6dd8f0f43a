// People: profiles and status, friends and their requests, recommendations over the friend
// graph, blocks. All live in the rooms database, behind the user store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "protocol/types/user.hpp"

namespace chat {

/// A user as their profile shows them.
struct profile {
  user account;
  std::string bio;
  std::string avatar_url;
  /// ONLINE, AWAY, BUSY or OFFLINE (invisible).
  std::string status = "ONLINE";
  std::string status_message;
  /// Milliseconds since the epoch; 0: never seen.
  int64_t last_seen_at = 0;
  /// A session is open somewhere and the status is not OFFLINE.
  bool online = false;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, profile& x) {
  return f(caf::meta::type_name("chat::profile"), x.account, x.bio, x.avatar_url, x.status,
           x.status_message, x.last_seen_at, x.online);
}

/// The fields of PUT /users/me that the caller sent (the others stay).
struct profile_update {
  bool has_nickname = false;
  std::string nickname;
  bool has_bio = false;
  std::string bio;
  bool has_avatar_url = false;
  std::string avatar_url;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, profile_update& x) {
  return f(caf::meta::type_name("chat::profile_update"), x.has_nickname, x.nickname, x.has_bio,
           x.bio, x.has_avatar_url, x.avatar_url);
}

struct friend_request {
  int64_t id = 0;
  user from;
  user to;
  /// Milliseconds since the epoch.
  int64_t created_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, friend_request& x) {
  return f(caf::meta::type_name("chat::friend_request"), x.id, x.from, x.to, x.created_at);
}

struct friend_requests {
  std::vector<friend_request> incoming;
  std::vector<friend_request> outgoing;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, friend_requests& x) {
  return f(caf::meta::type_name("chat::friend_requests"), x.incoming, x.outgoing);
}

/// What asking or answering did: a pending request, or a friendship (the other side's
/// request existed, or it was accepted).
struct friend_outcome {
  bool friends = false;
  friend_request request;
  /// The new friend, when `friends`.
  profile new_friend;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, friend_outcome& x) {
  return f(caf::meta::type_name("chat::friend_outcome"), x.friends, x.request, x.new_friend);
}

/// GET /users/recommendations: breadth-first over the friend graph.
struct recommendation_query {
  int64_t user_id = 0;
  int32_t depth = 2;
  int32_t limit = 20;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, recommendation_query& x) {
  return f(caf::meta::type_name("chat::recommendation_query"), x.user_id, x.depth, x.limit);
}

struct recommendation {
  user account;
  /// Hops from the caller (2: a friend of a friend).
  int32_t depth = 0;
  /// Friends the two have in common.
  int32_t mutual_friends = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, recommendation& x) {
  return f(caf::meta::type_name("chat::recommendation"), x.account, x.depth, x.mutual_friends);
}

} // namespace chat
