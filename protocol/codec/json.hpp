// The one way the system writes JSON text: compact, invalid UTF-8 replaced (never thrown).
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace chat {

/// Compact JSON text of `x`; invalid UTF-8 in strings becomes U+FFFD instead of throwing.
std::string dump(const nlohmann::json& x);

} // namespace chat
