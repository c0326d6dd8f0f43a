#include "gateway/json_fields.hpp"

#include <nlohmann/json.hpp>

#include "protocol/codec/decimal.hpp"

namespace chat {

namespace {

std::optional<int64_t> parse_integer(std::string_view text, int64_t least) {
  auto value = parse_decimal(text);
  if (!value || *value < least)
    return std::nullopt;
  return value;
}

} // namespace

std::optional<int64_t> parse_id(std::string_view text) {
  return parse_integer(text, 1);
}

std::optional<int64_t> parse_seq(std::string_view text) {
  return parse_integer(text, 0);
}

std::optional<nlohmann::json> parse_object(std::string_view text) {
  auto body = nlohmann::json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return std::nullopt;
  return body;
}

std::optional<int64_t> id_field(const nlohmann::json& body, const char* name) {
  auto i = body.find(name);
  if (i == body.end() || !i->is_number_integer() || i->get<int64_t>() <= 0)
    return std::nullopt;
  return i->get<int64_t>();
}

std::optional<int64_t> seq_field(const nlohmann::json& body, const char* name) {
  auto i = body.find(name);
  if (i == body.end() || !i->is_number_integer() || i->get<int64_t>() < 0)
    return std::nullopt;
  return i->get<int64_t>();
}

std::optional<std::string> string_field(const nlohmann::json& body, const char* name) {
  auto i = body.find(name);
  if (i == body.end() || !i->is_string())
    return std::nullopt;
  return i->get<std::string>();
}

std::optional<std::string> text_field(const nlohmann::json& body, const char* name, size_t max) {
  auto i = body.find(name);
  if (i == body.end() || i->is_null())
    return std::string{};
  if (!i->is_string() || i->get_ref<const std::string&>().size() > max)
    return std::nullopt;
  return i->get<std::string>();
}

std::optional<std::vector<int64_t>> id_list(const nlohmann::json& body, const char* name,
                                            size_t max) {
  auto i = body.find(name);
  if (i == body.end() || i->is_null())
    return std::vector<int64_t>{};
  if (!i->is_array() || i->size() > max)
    return std::nullopt;
  std::vector<int64_t> result;
  for (auto& x : *i) {
    if (!x.is_number_integer() || x.get<int64_t>() <= 0)
      return std::nullopt;
    result.push_back(x.get<int64_t>());
  }
  return result;
}

std::optional<bool> bool_field(const nlohmann::json& body, const char* name, bool fallback) {
  auto i = body.find(name);
  if (i == body.end() || i->is_null())
    return fallback;
  if (!i->is_boolean())
    return std::nullopt;
  return i->get<bool>();
}

} // namespace chat
