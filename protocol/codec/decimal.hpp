// Decimal numbers of the protocol (ids, seqs, content lengths, heart-beat intervals, token
// subjects): digits only. std::from_chars alone takes a sign ("-0" is 0) and stops quietly at
// the first character that is not a digit.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace chat {

/// The value of `text` if it is one or more decimal digits and nothing else and fits in an
/// int64_t; nullopt otherwise. If `too_large` is given, it tells digits that do not fit apart
/// from text that is not a number.
inline std::optional<int64_t> parse_decimal(std::string_view text, bool* too_large = nullptr) {
  if (too_large != nullptr)
    *too_large = false;
  if (text.empty() || text.front() < '0' || text.front() > '9')
    return std::nullopt;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ptr != text.data() + text.size())
    return std::nullopt;
  if (ec == std::errc::result_out_of_range && too_large != nullptr)
    *too_large = true;
  if (ec != std::errc{})
    return std::nullopt;
  return value;
}

} // namespace chat
