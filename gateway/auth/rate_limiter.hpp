// Per-user token buckets, shared by a node's connections (a user may have several).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace chat {

struct rate_limit_settings {
  /// Tokens added per second.
  double rate = 20;
  /// Bucket size: the burst a user may send at once.
  double burst = 40;
};

class rate_limiter {
public:
  explicit rate_limiter(rate_limit_settings settings);

  /// Takes one token of `user`'s bucket; false when it is empty.
  bool allow(int64_t user, std::chrono::steady_clock::time_point now);

  bool allow(int64_t user) { return allow(user, std::chrono::steady_clock::now()); }

private:
  struct bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };

  rate_limit_settings settings_;
  std::mutex mtx_;
  std::unordered_map<int64_t, bucket> buckets_;
};

} // namespace chat
