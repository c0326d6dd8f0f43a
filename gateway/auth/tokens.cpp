#include "gateway/auth/tokens.hpp"

#include <cstring>
#include <memory>

#include <jwt.h>

#include "protocol/codec/decimal.hpp"
#include "protocol/uuid.hpp"

namespace chat {

namespace {

using jwt_ptr = std::unique_ptr<jwt_t, void (*)(jwt_t*)>;

const char* kind_name(token_kind kind) {
  return kind == token_kind::access ? "access" : "refresh";
}

} // namespace

int64_t now_seconds() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

token_service::token_service(std::string secret, std::chrono::seconds access_ttl,
                             std::chrono::seconds refresh_ttl)
    : secret_(std::move(secret)), access_ttl_(access_ttl), refresh_ttl_(refresh_ttl) {
  // nop
}

std::string token_service::issue(const user& account, token_kind kind, int64_t now) const {
  return encode(account, kind, now, make_uuid(), {});
}

issued_refresh token_service::issue_refresh(const user& account, const std::string& family,
                                            int64_t now, std::string token_id) const {
  auto id = token_id.empty() ? make_uuid() : std::move(token_id);
  return issued_refresh{encode(account, token_kind::refresh, now, id, family), id,
                        now + ttl(token_kind::refresh).count()};
}

std::string token_service::encode(const user& account, token_kind kind, int64_t now,
                                  const std::string& id, const std::string& family) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0)
    throw std::bad_alloc();
  jwt_ptr token{raw, jwt_free};
  auto subject = std::to_string(account.id);
  auto ok = (family.empty() || jwt_add_grant(raw, "fam", family.c_str()) == 0) &&
            jwt_add_grant(raw, "sub", subject.c_str()) == 0 &&
            jwt_add_grant(raw, "username", account.username.c_str()) == 0 &&
            jwt_add_grant(raw, "typ", kind_name(kind)) == 0 &&
            jwt_add_grant(raw, "jti", id.c_str()) == 0 && jwt_add_grant_int(raw, "iat", now) == 0 &&
            jwt_add_grant_int(raw, "exp", now + ttl(kind).count()) == 0 &&
            jwt_set_alg(raw, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                        static_cast<int>(secret_.size())) == 0;
  if (!ok)
    throw std::runtime_error("cannot build a token");
  std::unique_ptr<char, void (*)(void*)> encoded{jwt_encode_str(raw), free};
  if (!encoded)
    throw std::runtime_error("cannot encode a token");
  return encoded.get();
}

std::optional<token_claims> token_service::verify(std::string_view text, token_kind expected,
                                                  int64_t now, std::string& why) const {
  if (text.empty() || text.size() > 4096) {
    why = "malformed token";
    return std::nullopt;
  }
  std::string copy{text};
  jwt_t* raw = nullptr;
  // libjwt checks the signature against our key; we check the algorithm ourselves as well.
  if (jwt_decode(&raw, copy.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                 static_cast<int>(secret_.size())) != 0 ||
      raw == nullptr) {
    why = "invalid token (malformed or bad signature)";
    return std::nullopt;
  }
  jwt_ptr token{raw, jwt_free};
  if (jwt_get_alg(raw) != JWT_ALG_HS256) {
    why = "token algorithm not accepted";
    return std::nullopt;
  }
  auto* typ = jwt_get_grant(raw, "typ");
  if (typ == nullptr || std::strcmp(typ, kind_name(expected)) != 0) {
    why = std::string{"not a "} + kind_name(expected) + " token";
    return std::nullopt;
  }
  errno = 0;
  auto exp = jwt_get_grant_int(raw, "exp");
  if (errno != 0 || exp <= now) {
    why = "token expired";
    return std::nullopt;
  }
  auto* sub = jwt_get_grant(raw, "sub");
  token_claims claims;
  auto user_id = sub == nullptr ? std::nullopt : parse_decimal(sub);
  if (!user_id || *user_id <= 0) {
    why = "token without a valid subject";
    return std::nullopt;
  }
  claims.user_id = *user_id;
  if (auto* name = jwt_get_grant(raw, "username"))
    claims.username = name;
  if (auto* id = jwt_get_grant(raw, "jti"))
    claims.token_id = id;
  if (auto* family = jwt_get_grant(raw, "fam"))
    claims.family = family;
  claims.kind = expected;
  claims.expires_at = exp;
  return claims;
}

std::optional<std::string_view> bearer_token(std::string_view header, bool required) {
  constexpr std::string_view bearer = "Bearer ";
  if (header.substr(0, bearer.size()) == bearer)
    return header.substr(bearer.size());
  if (required)
    return std::nullopt;
  return header;
}

} // namespace chat
