#include "gateway/http_types.hpp"

#include <nlohmann/json.hpp>

namespace chat {

const std::string& http_request::header(const std::string& lowercase_name) const {
  static const std::string none;
  auto i = headers.find(lowercase_name);
  return i != headers.end() ? i->second : none;
}

http_response json_error(int status, const std::string& code, const std::string& message) {
  http_response result;
  result.status = status;
  result.body = nlohmann::json{{"code", code}, {"message", message}}.dump(
    -1, ' ', false, nlohmann::json::error_handler_t::replace);
  return result;
}

http_response json_response(int status, std::string body) {
  http_response result;
  result.status = status;
  result.body = std::move(body);
  return result;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

bool url_decode(const std::string& in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size())
      return false;
    auto hi = hex_value(in[i + 1]);
    auto lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0)
      return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

bool parse_query(const std::string& query, std::map<std::string, std::string>& out) {
  size_t pos = 0;
  while (pos < query.size()) {
    auto end = query.find('&', pos);
    if (end == std::string::npos)
      end = query.size();
    auto part = query.substr(pos, end - pos);
    pos = end + 1;
    if (part.empty())
      continue;
    auto eq = part.find('=');
    std::string key;
    std::string value;
    if (!url_decode(part.substr(0, eq), key))
      return false;
    if (eq != std::string::npos && !url_decode(part.substr(eq + 1), value))
      return false;
    out[key] = value;
  }
  return true;
}

} // namespace chat
