#include "protocol/clock.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace chat {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string iso8601(int64_t ms) {
  auto seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  auto millis = static_cast<int>(ms - static_cast<int64_t>(seconds) * 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, millis);
  return buf;
}

std::optional<int64_t> parse_iso8601(std::string_view text) {
  std::tm parts{};
  int millis = 0;
  std::string copy{text};
  int consumed = 0;
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &parts.tm_year, &parts.tm_mon,
                  &parts.tm_mday, &parts.tm_hour, &parts.tm_min, &parts.tm_sec, &consumed) != 6)
    return std::nullopt;
  auto rest = std::string_view{copy}.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && rest.front() == '.') {
    int digits = 0;
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      if (digits < 3)
        millis = millis * 10 + (rest.front() - '0');
      ++digits;
      rest.remove_prefix(1);
    }
    if (digits == 0)
      return std::nullopt;
    for (; digits < 3; ++digits)
      millis *= 10;
  }
  if (rest != "Z")
    return std::nullopt;
  parts.tm_year -= 1900;
  parts.tm_mon -= 1;
  auto seconds = timegm(&parts);
  return static_cast<int64_t>(seconds) * 1000 + millis;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || value < 0)
    return std::nullopt;
  std::string_view unit{ptr, static_cast<size_t>(text.data() + text.size() - ptr)};
  if (unit == "ms")
    return std::chrono::milliseconds{value};
  if (unit == "s")
    return std::chrono::milliseconds{value * 1000};
  if (unit == "min")
    return std::chrono::milliseconds{value * 60000};
  return std::nullopt;
}

} // namespace chat
