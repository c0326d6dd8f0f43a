// Which browser origins may use a node: its own (same scheme-less host), and the configured
// ones. Requests without an Origin (curl, native clients) are not browsers' and pass.
#pragma once

#include <string>
#include <vector>

namespace chat {

struct http_request;
struct http_response;

class origin_policy {
public:
  origin_policy() = default;
  explicit origin_policy(std::vector<std::string> allowed);

  /// Whether a request with these Origin and Host headers is served ("" origin: not a browser).
  bool allows(const std::string& origin, const std::string& host) const;

  /// Whether `origin` is another site than `host` (and so needs CORS headers when allowed).
  static bool cross_origin(const std::string& origin, const std::string& host);

private:
  std::vector<std::string> allowed_;
  bool any_ = false;
};

} // namespace chat
