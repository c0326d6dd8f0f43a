#define CAF_SUITE tokens

#include "gateway/auth/tokens.hpp"

#include <caf/test/unit_test.hpp>

using namespace chat;

namespace {

struct fixture {
  token_service tokens{"0123456789abcdef0123456789abcdef", std::chrono::hours(1),
                       std::chrono::hours(24 * 14)};
  user alice{42, "alice", "Alice"};
  int64_t now = 1800000000;
  std::string why;
};

/// Replaces the header of a token (its first segment).
std::string with_header(const std::string& token, const std::string& header_json) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string encoded;
  int value = 0;
  int bits = -6;
  for (unsigned char c : header_json) {
    value = (value << 8) + c;
    bits += 8;
    while (bits >= 0) {
      encoded.push_back(alphabet[(value >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6)
    encoded.push_back(alphabet[((value << 8) >> (bits + 8)) & 0x3F]);
  return encoded + token.substr(token.find('.'));
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(token_tests, fixture)

CAF_TEST(an access token verifies until it expires) {
  auto token = tokens.issue(alice, token_kind::access, now);
  auto claims = tokens.verify(token, token_kind::access, now + 10, why);
  CAF_REQUIRE(claims);
  CAF_CHECK_EQUAL(claims->user_id, 42);
  CAF_CHECK_EQUAL(claims->username, "alice");
  CAF_CHECK_EQUAL(claims->expires_at, now + 3600);
  CAF_CHECK(!tokens.verify(token, token_kind::access, now + 3600, why));
  CAF_CHECK_EQUAL(why, "token expired");
}

CAF_TEST(access and refresh tokens are not interchangeable) {
  auto refresh = tokens.issue(alice, token_kind::refresh, now);
  CAF_CHECK(tokens.verify(refresh, token_kind::refresh, now + 86400 * 13, why));
  CAF_CHECK(!tokens.verify(refresh, token_kind::access, now, why));
  CAF_CHECK_EQUAL(why, "not a access token");
  auto access = tokens.issue(alice, token_kind::access, now);
  CAF_CHECK(!tokens.verify(access, token_kind::refresh, now, why));
}

CAF_TEST(a token signed with another key is refused) {
  token_service other{"another key of at least thirty-two bytes", std::chrono::hours(1),
                      std::chrono::hours(1)};
  auto forged = other.issue(alice, token_kind::access, now);
  CAF_CHECK(!tokens.verify(forged, token_kind::access, now, why));
  auto token = tokens.issue(alice, token_kind::access, now);
  token.back() = token.back() == 'A' ? 'B' : 'A';
  CAF_CHECK(!tokens.verify(token, token_kind::access, now, why));
}

CAF_TEST(alg none and other algorithms are refused) {
  auto token = tokens.issue(alice, token_kind::access, now);
  auto none = with_header(token, R"({"alg":"none","typ":"JWT"})");
  none = none.substr(0, none.rfind('.') + 1); // no signature
  CAF_CHECK(!tokens.verify(none, token_kind::access, now, why));
  auto hs512 = with_header(token, R"({"alg":"HS512","typ":"JWT"})");
  CAF_CHECK(!tokens.verify(hs512, token_kind::access, now, why));
  for (auto bad : {"", "a.b", "a.b.c", "not a token at all"})
    CAF_CHECK(!tokens.verify(bad, token_kind::access, now, why));
}

CAF_TEST(a refresh token names itself and its login family) {
  auto issued = tokens.issue_refresh(alice, "family-1", now);
  CAF_CHECK_EQUAL(issued.expires_at, now + 14 * 24 * 3600);
  auto claims = tokens.verify(issued.token, token_kind::refresh, now + 1, why);
  CAF_REQUIRE(claims);
  CAF_CHECK_EQUAL(claims->token_id, issued.token_id);
  CAF_CHECK_EQUAL(claims->family, "family-1");
  auto next = tokens.issue_refresh(alice, "family-1", now);
  CAF_CHECK_NOT_EQUAL(next.token_id, issued.token_id);
  auto access =
    tokens.verify(tokens.issue(alice, token_kind::access, now), token_kind::access, now + 1, why);
  CAF_REQUIRE(access);
  CAF_CHECK(access->family.empty());
  CAF_CHECK(!access->token_id.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
