#include "gateway/auth/refusal_log.hpp"

#include <chrono>
#include <mutex>

namespace chat {

bool refusal_log_allowed() {
  static std::mutex mtx;
  static std::chrono::steady_clock::time_point window;
  static int lines = 0;
  std::lock_guard<std::mutex> guard{mtx};
  auto now = std::chrono::steady_clock::now();
  if (now - window >= std::chrono::seconds(1)) {
    window = now;
    lines = 0;
  }
  return ++lines <= 20;
}

std::string loggable(const std::string& text) {
  std::string shown;
  for (char c : text.substr(0, 64))
    shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  return shown;
}

} // namespace chat
