// A log line that may repeat fast (a failing accept, a limit reached) is written at most once
// per interval, with the count of the lines it stands for.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace chat {

class log_throttle {
public:
  log_throttle() = default;

  explicit log_throttle(std::chrono::milliseconds every) : every_(every) {}

  /// Whether the line may be written now; if not, it is counted as suppressed.
  bool allow() {
    std::lock_guard<std::mutex> guard{mtx_};
    auto now = std::chrono::steady_clock::now();
    if (written_ && now - last_ < every_) {
      ++suppressed_;
      return false;
    }
    written_ = true;
    last_ = now;
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
  std::mutex mtx_;
  std::chrono::steady_clock::time_point last_;
  bool written_ = false;
  int64_t suppressed_ = 0;
  std::string note_;
};

} // namespace chat
