// Password hashing (argon2id, libsodium). Hashing costs tens of milliseconds and megabytes on
// purpose ([auth] hash-ops, hash-memory): it runs on detached workers, never on a scheduler or
// network thread.
#pragma once

#include <cstddef>
#include <string>

#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include "protocol/interfaces/gateway.hpp"

namespace chat {

/// The cost of one hash: argon2id passes and memory.
struct hash_cost {
  unsigned long long passes = 2;
  size_t memory_bytes = 19 * 1024 * 1024;
};

/// An argon2id hash in libsodium's string form (algorithm and parameters included).
std::string hash_password(const std::string& password, hash_cost cost = {});

/// Constant-time check of a password against a hash from hash_password (of any cost: the
/// parameters are in the hash).
bool verify_password(const std::string& hash, const std::string& password);

/// Spawns `workers` detached hashing actors behind one round-robin handle. Each verifies an
/// empty hash against a hash of its own, made at `cost`, and answers false: a login of an
/// unknown name takes as long as a wrong password.
password_hasher_actor spawn_password_hasher(caf::actor_system& sys, size_t workers,
                                            hash_cost cost = {});

} // namespace chat
