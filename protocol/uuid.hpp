// Time-ordered (version 7) UUIDs for message and event ids: unique, and increasing over time
// so that primary-key inserts append to their B-tree instead of landing on random pages.
#pragma once

#include <string>

namespace chat {

/// A version-7 UUID (48-bit Unix milliseconds, then random bits) in canonical lowercase form.
std::string make_uuid();

/// True for a canonical UUID (8-4-4-4-12 hex digits).
bool is_uuid(const std::string& text);

} // namespace chat
