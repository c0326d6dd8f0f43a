// Users as the client contract shows them, and their credentials.
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace chat {

struct user {
  int64_t id = 0;
  std::string username;
  std::string nickname;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, user& x) {
  return f(caf::meta::type_name("chat::user"), x.id, x.username, x.nickname);
}

/// A user with the password hash, for login only; never leaves the node.
struct user_credentials {
  user account;
  std::string password_hash;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_credentials& x) {
  return f(caf::meta::type_name("chat::user_credentials"), x.account, x.password_hash);
}

} // namespace chat
