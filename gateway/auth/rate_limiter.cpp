#include "gateway/auth/rate_limiter.hpp"

#include <algorithm>

namespace chat {

rate_limiter::rate_limiter(rate_limit_settings settings) : settings_(settings) {
  // nop
}

bool rate_limiter::allow(int64_t user, std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto [i, added] = buckets_.try_emplace(user, bucket{settings_.burst, now});
  auto& b = i->second;
  if (!added) {
    auto elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(settings_.burst, b.tokens + elapsed * settings_.rate);
    b.updated = now;
  }
  if (b.tokens < 1.0)
    return false;
  b.tokens -= 1.0;
  // Idle users' full buckets carry no information: keep the map small.
  if (buckets_.size() > 100000)
    for (auto j = buckets_.begin(); j != buckets_.end();)
      j = (j->second.tokens >= settings_.burst - 1 && j != i) ? buckets_.erase(j) : std::next(j);
  return true;
}

} // namespace chat
