#include "gateway/sockjs/sockjs_framing.hpp"

#include <nlohmann/json.hpp>

namespace chat::sockjs {

namespace {

std::string dump_ascii(const nlohmann::json& value) {
  return value.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

} // namespace

std::string encode_messages(const std::vector<std::string_view>& messages) {
  auto array = nlohmann::json::array();
  for (auto message : messages)
    array.push_back(std::string{message});
  return "a" + dump_ascii(array);
}

std::string encode_close(int code, std::string_view reason) {
  return "c" + dump_ascii(nlohmann::json::array({code, std::string{reason}}));
}

std::string go_away_frame() {
  return encode_close(3000, "Go away!");
}

std::optional<std::vector<std::string>> decode_messages(std::string_view frame) {
  auto parsed = nlohmann::json::parse(frame, nullptr, false);
  if (parsed.is_discarded())
    return std::nullopt;
  std::vector<std::string> messages;
  if (parsed.is_string()) {
    messages.push_back(parsed.get<std::string>());
    return messages;
  }
  if (!parsed.is_array())
    return std::nullopt;
  messages.reserve(parsed.size());
  for (auto& item : parsed) {
    if (!item.is_string())
      return std::nullopt;
    messages.push_back(item.get<std::string>());
  }
  return messages;
}

std::optional<transport_path> parse_transport_path(std::string_view rest) {
  std::vector<std::string> parts;
  if (rest.empty() || rest.front() != '/')
    return std::nullopt;
  rest.remove_prefix(1);
  while (true) {
    auto slash = rest.find('/');
    auto part = rest.substr(0, slash);
    if (part.empty() || part.size() > 64 || part.find('.') != std::string_view::npos)
      return std::nullopt;
    parts.emplace_back(part);
    if (slash == std::string_view::npos)
      break;
    rest.remove_prefix(slash + 1);
  }
  if (parts.size() != 3)
    return std::nullopt;
  return transport_path{std::move(parts[0]), std::move(parts[1]), std::move(parts[2])};
}

} // namespace chat::sockjs
