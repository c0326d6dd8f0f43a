// Wall-clock time as milliseconds since the Unix epoch, and its ISO-8601 form.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chat {

/// Milliseconds since the Unix epoch (UTC), from the system clock.
int64_t now_ms();

/// ISO-8601 UTC with milliseconds, e.g. "2026-11-22T09:30:00.123Z".
std::string iso8601(int64_t ms);

/// Parses the output of iso8601 (and the same without fraction); nullopt if malformed.
std::optional<int64_t> parse_iso8601(std::string_view text);

/// Parses a duration such as "250ms", "3s" or "2min"; nullopt if malformed or negative.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

} // namespace chat
