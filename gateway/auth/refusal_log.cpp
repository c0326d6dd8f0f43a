#include "gateway/auth/refusal_log.hpp"

#include <chrono>

#include "protocol/log_throttle.hpp"

namespace chat {

bool refusal_log_allowed() {
  static log_throttle throttle{std::chrono::seconds(1), 20};
  return throttle.allow();
}

std::string loggable(const std::string& text) {
  std::string shown;
  for (char c : text.substr(0, 64))
    shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  return shown;
}

} // namespace chat
