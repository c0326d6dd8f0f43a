// libFuzzer target: token parsing. The input is tried as a token as it comes (malformed,
// unsigned, "alg": "none", another key), and as the claims of a token signed with the right
// key (libjwt), so that verify meets claims of every shape: missing, of the wrong type, huge,
// negative. Also the Authorization header's "Bearer" prefix. Built and run by scripts/fuzz;
// never part of the regular build.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <jwt.h>

#include "gateway/auth/tokens.hpp"

namespace {

constexpr std::string_view secret = "fuzzing-secret-of-at-least-32-bytes!";
constexpr int64_t now = 1'800'000'000;

const chat::token_service& service() {
  static const chat::token_service instance{std::string{secret}, std::chrono::seconds{3600},
                                            std::chrono::seconds{86400}};
  return instance;
}

void check(std::string_view token) {
  for (auto kind : {chat::token_kind::access, chat::token_kind::refresh}) {
    std::string why;
    auto claims = service().verify(token, kind, now, why);
    if (claims && (claims->user_id <= 0 || claims->kind != kind || claims->expires_at <= now ||
                   !why.empty()))
      __builtin_trap();
    if (!claims && why.empty())
      __builtin_trap(); // a refusal always says why
  }
}

/// The input as the grants of a token signed with our key; empty if libjwt refuses them.
std::string signed_with_grants(const std::string& grants) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0)
    return {};
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> token{raw, jwt_free};
  if (jwt_add_grants_json(raw, grants.c_str()) != 0 ||
      jwt_set_alg(raw, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size())) != 0)
    return {};
  std::unique_ptr<char, void (*)(void*)> encoded{jwt_encode_str(raw), free};
  return encoded ? std::string{encoded.get()} : std::string{};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input{reinterpret_cast<const char*>(data), size};
  check(input);
  if (input.find('\0') == std::string::npos)
    if (auto token = signed_with_grants(input); !token.empty())
      check(token);
  for (bool required : {false, true})
    if (auto bearer = chat::bearer_token(input, required);
        bearer && bearer->size() > input.size())
      __builtin_trap();
  return 0;
}
