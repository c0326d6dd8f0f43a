// Random (version 4) UUIDs for message and event ids.
#pragma once

#include <string>

namespace chat {

/// A random version-4 UUID in canonical lowercase form.
std::string make_uuid();

/// True for a canonical UUID (8-4-4-4-12 hex digits).
bool is_uuid(const std::string& text);

} // namespace chat
