// Password hashing (argon2id, libsodium). Hashing costs tens of milliseconds and 64 MiB on
// purpose: it runs on detached workers, never on a scheduler or network thread.
#pragma once

#include <cstddef>
#include <string>

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include "protocol/interfaces/gateway.hpp"

namespace chat {

/// An argon2id hash in libsodium's string form (algorithm and parameters included).
std::string hash_password(const std::string& password);

/// Constant-time check of a password against a hash from hash_password.
bool verify_password(const std::string& hash, const std::string& password);

/// Spawns `workers` detached hashing actors behind one round-robin handle.
password_hasher_actor spawn_password_hasher(caf::actor_system& sys, size_t workers);

} // namespace chat
