#include "protocol/uuid.hpp"

#include <chrono>
#include <cstdint>
#include <random>

namespace chat {

std::string make_uuid() {
  // Ids only need to be unique, not secret: a per-thread generator seeded from the OS is
  // enough and keeps this off any lock.
  thread_local std::mt19937_64 engine{std::random_device{}()};
  auto millis = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
  uint64_t hi = (millis << 16) | 0x7000 | (engine() & 0x0fff);              // version 7
  uint64_t lo = (engine() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; // variant 1
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  result.reserve(36);
  auto put = [&](uint64_t word, int from_nibble, int count) {
    for (int i = 0; i < count; ++i) {
      auto shift = 60 - 4 * (from_nibble + i);
      result.push_back(digits[(word >> shift) & 0xf]);
    }
  };
  put(hi, 0, 8);
  result.push_back('-');
  put(hi, 8, 4);
  result.push_back('-');
  put(hi, 12, 4);
  result.push_back('-');
  put(lo, 0, 4);
  result.push_back('-');
  put(lo, 4, 12);
  return result;
}

bool is_uuid(const std::string& text) {
  if (text.size() != 36)
    return false;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-')
        return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

} // namespace chat
