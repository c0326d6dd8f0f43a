#include "gateway/auth/password_hasher.hpp"

#include <stdexcept>

#include <caf/actor_pool.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <sodium.h>

namespace chat {

namespace {

void init_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready)
    throw std::runtime_error("libsodium cannot initialize");
}

password_hasher_actor::behavior_type password_worker(hash_cost cost) {
  // What an unknown name is checked against: the same work as a real check.
  auto stand_in = hash_password(std::string(16, 'x') + std::to_string(randombytes_random()), cost);
  return {
    [cost](hash_atom, const std::string& password) { return hash_password(password, cost); },
    [stand_in](verify_atom, const std::string& hash, const std::string& password) {
      if (hash.empty()) {
        verify_password(stand_in, password);
        return false;
      }
      return verify_password(hash, password);
    },
  };
}

} // namespace

std::string hash_password(const std::string& password, hash_cost cost) {
  init_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.passes, cost.memory_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("out of memory while hashing a password");
  return out;
}

bool verify_password(const std::string& hash, const std::string& password) {
  init_sodium();
  if (hash.size() >= crypto_pwhash_STRBYTES)
    return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

password_hasher_actor spawn_password_hasher(caf::actor_system& sys, size_t workers,
                                            hash_cost cost) {
  init_sodium();
  auto factory = [&sys, cost] {
    return caf::actor_cast<caf::actor>(sys.spawn<caf::detached>(password_worker, cost));
  };
  auto pool = caf::actor_pool::make(sys.dummy_execution_unit(), workers, factory,
                                    caf::actor_pool::round_robin());
  return caf::actor_cast<password_hasher_actor>(pool);
}

} // namespace chat
