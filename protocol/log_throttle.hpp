// A log line that may repeat fast (a failing accept, a limit reached, a refused login) is
// written at most `lines` times per interval; the first line of the next interval carries the
// count of those suppressed in between.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace chat {

class log_throttle {
public:
  log_throttle() = default;

  explicit log_throttle(std::chrono::milliseconds every, int lines = 1)
      : every_(every), lines_(lines) {}

  /// Whether the line may be written now; if not, it is counted as suppressed.
  bool allow(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (written_ > 0 && now - window_ < every_) {
      if (written_ < lines_) {
        ++written_;
        note_.clear();
        return true;
      }
      ++suppressed_;
      return false;
    }
    written_ = 1;
    window_ = now;
    note_ = suppressed_ == 0 ? std::string{}
                             : " (" + std::to_string(suppressed_) + " more since the last line)";
    suppressed_ = 0;
    return true;
  }

  /// What to append to the line allow() let through: how many were suppressed before it.
  std::string suppressed_note() {
    std::lock_guard<std::mutex> guard{mtx_};
    return note_;
  }

private:
  std::chrono::milliseconds every_{1000};
  int lines_ = 1;
  std::mutex mtx_;
  /// When the current interval began, and the lines written in it.
  std::chrono::steady_clock::time_point window_;
  int written_ = 0;
  int64_t suppressed_ = 0;
  std::string note_;
};

} // namespace chat
