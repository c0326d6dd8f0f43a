#include "gateway/auth/login_throttle.hpp"

#include <algorithm>
#include <cmath>

namespace chat {

login_throttle::login_throttle(login_throttle_settings settings) : settings_(settings) {
  // nop
}

double login_throttle::level(buckets& all, const std::string& key, const rate_limit_settings& limit,
                             clock::time_point now) {
  auto i = all.find(key);
  if (i == all.end())
    return limit.burst;
  auto& b = i->second;
  std::chrono::duration<double> elapsed = now - b.updated;
  b.tokens = std::min(limit.burst, b.tokens + elapsed.count() * limit.rate);
  b.updated = now;
  return b.tokens;
}

void login_throttle::forget_full(buckets& all, const rate_limit_settings& limit,
                                 clock::time_point now) {
  std::erase_if(all, [&](const auto& entry) {
    std::chrono::duration<double> elapsed = now - entry.second.updated;
    return entry.second.tokens + elapsed.count() * limit.rate >= limit.burst;
  });
}

int64_t login_throttle::wait(const std::string& name, const std::string& address,
                             clock::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto seconds_to_one = [](double tokens, const rate_limit_settings& limit) -> int64_t {
    if (tokens >= 1)
      return 0;
    return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - tokens) / limit.rate)));
  };
  return std::max(
    seconds_to_one(level(names_, name, settings_.per_name, now), settings_.per_name),
    seconds_to_one(level(addresses_, address, settings_.per_address, now), settings_.per_address));
}

void login_throttle::failed(const std::string& name, const std::string& address,
                            clock::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (now - last_sweep_ > std::chrono::minutes(1)) {
    forget_full(names_, settings_.per_name, now);
    forget_full(addresses_, settings_.per_address, now);
    last_sweep_ = now;
  }
  auto take = [now](buckets& all, const std::string& key, const rate_limit_settings& limit) {
    auto tokens = level(all, key, limit, now);
    all[key] = bucket{std::max(0.0, tokens - 1), now};
  };
  take(names_, name, settings_.per_name);
  take(addresses_, address, settings_.per_address);
}

} // namespace chat
