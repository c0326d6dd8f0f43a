#include "gateway/http/http_types.hpp"

#include <nlohmann/json.hpp>

#include "protocol/codec/json.hpp"
#include "protocol/errors.hpp"

namespace chat {

const std::string& http_request::header(const std::string& lowercase_name) const {
  static const std::string none;
  auto i = headers.find(lowercase_name);
  return i != headers.end() ? i->second : none;
}

std::string http_request::remote_host() const {
  auto colon = remote_address.rfind(':');
  return colon == std::string::npos ? remote_address : remote_address.substr(0, colon);
}

int http_status_of(chat_errc code) {
  switch (code) {
  case chat_errc::none:
    return 200;
  case chat_errc::invalid_input:
    return 400;
  case chat_errc::unauthorized:
    return 401;
  case chat_errc::not_member:
  case chat_errc::forbidden:
  case chat_errc::faults_disabled:
  case chat_errc::blocked:
    return 403;
  case chat_errc::not_found:
  case chat_errc::unknown_destination:
    return 404;
  case chat_errc::method_not_allowed:
    return 405;
  case chat_errc::conflict:
  case chat_errc::temp_id_reused:
  case chat_errc::message_pending:
  case chat_errc::message_deleted:
  case chat_errc::pin_limit:
  case chat_errc::reaction_limit:
    return 409;
  case chat_errc::too_large:
    return 413;
  case chat_errc::rate_limited:
    return 429;
  case chat_errc::unavailable:
  case chat_errc::store_failed:
  case chat_errc::store_in_doubt:
  case chat_errc::worker_crashed:
  case chat_errc::fault_injected:
  case chat_errc::room_stopped:
  case chat_errc::fenced:
  case chat_errc::tombstoned:
  case chat_errc::overloaded:
    return 503;
  case chat_errc::internal:
    return 500;
  }
  return 500;
}

http_response error_response(chat_errc code, const std::string& message) {
  http_response result;
  result.status = http_status_of(code);
  result.body = dump(nlohmann::json{{"code", wire_code(code)}, {"message", message}});
  // A node at its bound of messages in flight takes more within a second or so.
  if (code == chat_errc::overloaded)
    result.headers.emplace_back("Retry-After", "1");
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

bool split_target(const std::string& target, std::string& path,
                  std::map<std::string, std::string>& query) {
  auto question = target.find('?');
  if (!url_decode(target.substr(0, question), path))
    return false;
  return question == std::string::npos || parse_query(target.substr(question + 1), query);
}

} // namespace chat
