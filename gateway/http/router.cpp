#include "gateway/http/router.hpp"
#include "protocol/errors.hpp"

namespace chat {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> result;
  size_t pos = 0;
  while (pos < path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string::npos)
      next = path.size();
    if (next > pos)
      result.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return result;
}

bool is_placeholder(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

} // namespace

void router::add(std::string method, const std::string& pattern, handler fn) {
  routes_.push_back(route{std::move(method), pattern, split_path(pattern), std::move(fn)});
}

std::vector<std::pair<std::string, std::string>> router::list() const {
  std::vector<std::pair<std::string, std::string>> result;
  for (auto& r : routes_)
    result.emplace_back(r.method, r.pattern);
  return result;
}

void router::dispatch(http_request request, http_responder respond) const {
  // Of the patterns that match, the most literal one wins ("/messages/search" before
  // "/messages/{messageId}"), whatever order the areas added them in.
  auto segments = split_path(request.path);
  bool path_known = false;
  const route* best = nullptr;
  route_params best_params;
  size_t best_placeholders = 0;
  for (auto& r : routes_) {
    if (r.segments.size() != segments.size())
      continue;
    route_params params;
    size_t placeholders = 0;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      if (is_placeholder(r.segments[i])) {
        params[r.segments[i].substr(1, r.segments[i].size() - 2)] = segments[i];
        ++placeholders;
      } else {
        match = r.segments[i] == segments[i];
      }
    }
    if (!match)
      continue;
    path_known = true;
    if (r.method == request.method && (best == nullptr || placeholders < best_placeholders)) {
      best = &r;
      best_params = std::move(params);
      best_placeholders = placeholders;
    }
  }
  if (best != nullptr)
    best->fn(std::move(request), std::move(best_params), std::move(respond));
  else if (path_known)
    respond(error_response(chat_errc::method_not_allowed, request.method + " is not allowed here"));
  else
    respond(error_response(chat_errc::not_found, "no such endpoint: " + request.path));
}

} // namespace chat
