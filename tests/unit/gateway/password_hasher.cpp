#define CAF_SUITE password_hasher

#include "gateway/auth/password_hasher.hpp"

#include <caf/test/unit_test.hpp>

using namespace chat;

CAF_TEST(a hash carries the configured cost and verifies) {
  auto hash = hash_password("correct horse", hash_cost{2, 19 * 1024 * 1024});
  CAF_CHECK_EQUAL(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u);
  CAF_CHECK(verify_password(hash, "correct horse"));
  CAF_CHECK(!verify_password(hash, "wrong horse"));
}

CAF_TEST(hashes of another cost still verify) {
  auto cheaper = hash_password("correct horse", hash_cost{1, 8 * 1024 * 1024});
  CAF_CHECK_EQUAL(cheaper.rfind("$argon2id$v=19$m=8192,t=1,p=1$", 0), 0u);
  CAF_CHECK(verify_password(cheaper, "correct horse"));
}

CAF_TEST(what is not a hash never verifies) {
  CAF_CHECK(!verify_password("", "correct horse"));
  CAF_CHECK(!verify_password("$argon2id$garbage", "correct horse"));
  CAF_CHECK(!verify_password(std::string(200, 'x'), "correct horse"));
}
