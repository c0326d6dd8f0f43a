// Failed logins, counted per username and per client address in token buckets: when either
// bucket is empty, logins of that name (or from that address) get 429 with Retry-After, right
// or wrong, without a password check. Successful logins cost nothing, so a busy address of
// honest users is not slowed down.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "gateway/auth/rate_limiter.hpp"

namespace chat {

struct login_throttle_settings {
  /// Failed logins of one username: 10 at once, then one per 20 s.
  rate_limit_settings per_name{0.05, 10};
  /// Failed logins from one address: 30 at once, then one per 2 s.
  rate_limit_settings per_address{0.5, 30};
};

class login_throttle {
public:
  using clock = std::chrono::steady_clock;

  explicit login_throttle(login_throttle_settings settings);

  /// Seconds until `name` may try again from `address` (0: now).
  int64_t wait(const std::string& name, const std::string& address, clock::time_point now);

  /// Counts a failed login against the name and the address.
  void failed(const std::string& name, const std::string& address, clock::time_point now);

private:
  struct bucket {
    double tokens;
    clock::time_point updated;
  };
  using buckets = std::unordered_map<std::string, bucket>;

  /// The bucket's tokens now (refilled), without taking one.
  static double level(buckets& all, const std::string& key, const rate_limit_settings& limit,
                      clock::time_point now);
  /// Drops buckets that refilled completely: they are the same as no bucket.
  static void forget_full(buckets& all, const rate_limit_settings& limit, clock::time_point now);

  login_throttle_settings settings_;
  std::mutex mtx_;
  buckets names_;
  buckets addresses_;
  clock::time_point last_sweep_;
};

} // namespace chat
