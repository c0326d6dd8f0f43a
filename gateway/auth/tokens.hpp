// JSON Web Tokens (HS256, libjwt): access tokens (1 h) and refresh tokens (14 days) with the
// same key, told apart by their "typ" claim. Anything but HS256 with our key is refused,
// "alg": "none" included.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/types/room.hpp"

namespace chat {

enum class token_kind { access, refresh };

struct token_claims {
  int64_t user_id = 0;
  std::string username;
  token_kind kind = token_kind::access;
  /// Seconds since the epoch.
  int64_t expires_at = 0;
  /// The token's own id ("jti").
  std::string token_id;
  /// Refresh tokens: the login they descend from ("fam"); rotation keeps it, logout ends it.
  std::string family;
};

/// A refresh token and what the users store keeps of it.
struct issued_refresh {
  std::string token;
  std::string token_id;
  /// Seconds since the epoch.
  int64_t expires_at = 0;
};

class token_service {
public:
  token_service(std::string secret, std::chrono::seconds access_ttl,
                std::chrono::seconds refresh_ttl);

  /// A signed token for `account`, valid from `now` (seconds since the epoch).
  std::string issue(const user& account, token_kind kind, int64_t now) const;

  /// A refresh token of the login `family`, valid from `now`, with the id `token_id` (new when
  /// empty).
  issued_refresh issue_refresh(const user& account, const std::string& family, int64_t now,
                               std::string token_id = {}) const;

  /// The claims of a valid token of the expected kind; nullopt with `why` set otherwise
  /// (malformed, other algorithm, bad signature, expired, wrong kind).
  std::optional<token_claims> verify(std::string_view token, token_kind expected, int64_t now,
                                     std::string& why) const;

  std::chrono::seconds ttl(token_kind kind) const {
    return kind == token_kind::access ? access_ttl_ : refresh_ttl_;
  }

private:
  std::string encode(const user& account, token_kind kind, int64_t now, const std::string& id,
                     const std::string& family) const;

  std::string secret_;
  std::chrono::seconds access_ttl_;
  std::chrono::seconds refresh_ttl_;
};

/// Seconds since the epoch.
int64_t now_seconds();

/// The token of an "Authorization: Bearer <token>" value; the whole value without the
/// "Bearer " prefix when `required` is false, nullopt when it is true.
std::optional<std::string_view> bearer_token(std::string_view header, bool required);

} // namespace chat
