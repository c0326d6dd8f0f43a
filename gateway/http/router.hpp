// Routes requests by method and path pattern ("/api/v1/chatrooms/{roomId}").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "gateway/http/http_types.hpp"

namespace chat {

/// Values of the {placeholders} of a matched pattern.
using route_params = std::map<std::string, std::string>;

class router {
public:
  using handler = std::function<void(http_request, route_params, http_responder)>;

  void add(std::string method, const std::string& pattern, handler fn);

  /// Every (method, pattern) added, in order.
  std::vector<std::pair<std::string, std::string>> list() const;

  /// Calls the matching handler; answers 404 (no such path) or 405 (other method) itself.
  void dispatch(http_request request, http_responder respond) const;

private:
  struct route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    handler fn;
  };
  std::vector<route> routes_;
};

} // namespace chat
