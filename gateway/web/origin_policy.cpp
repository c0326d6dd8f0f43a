#include "gateway/web/origin_policy.hpp"

#include <algorithm>

namespace chat {

namespace {

/// "https://chat.example.com:8443" -> "chat.example.com:8443"; "" for what is not an origin.
std::string host_of(const std::string& origin) {
  for (const char* scheme : {"http://", "https://"}) {
    std::string prefix{scheme};
    if (origin.compare(0, prefix.size(), prefix) == 0)
      return origin.substr(prefix.size());
  }
  return {};
}

} // namespace

origin_policy::origin_policy(std::vector<std::string> allowed) : allowed_(std::move(allowed)) {
  any_ = std::find(allowed_.begin(), allowed_.end(), "*") != allowed_.end();
}

bool origin_policy::cross_origin(const std::string& origin, const std::string& host) {
  return !origin.empty() && (host.empty() || host_of(origin) != host);
}

bool origin_policy::allows(const std::string& origin, const std::string& host) const {
  if (!cross_origin(origin, host))
    return true;
  return any_ || std::find(allowed_.begin(), allowed_.end(), origin) != allowed_.end();
}

} // namespace chat
