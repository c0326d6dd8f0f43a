// Reading JSON request bodies and path/query values: the field readers the REST areas and the
// STOMP destinations share. Each returns nullopt for a missing or malformed value; the caller
// answers with its own message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace chat {

/// A positive integer id in text ("7"; not "07x", "-1", "0").
std::optional<int64_t> parse_id(std::string_view text);

/// A non-negative integer in text (a seq).
std::optional<int64_t> parse_seq(std::string_view text);

/// A JSON object parsed from text; nullopt if it is not one.
std::optional<nlohmann::json> parse_object(std::string_view text);

/// A positive integer field.
std::optional<int64_t> id_field(const nlohmann::json& body, const char* name);

/// A non-negative integer field.
std::optional<int64_t> seq_field(const nlohmann::json& body, const char* name);

/// A required string field (any length).
std::optional<std::string> string_field(const nlohmann::json& body, const char* name);

/// An optional string field of at most `max` bytes: "" when absent or null, nullopt when it
/// is not a string or too long.
std::optional<std::string> text_field(const nlohmann::json& body, const char* name, size_t max);

/// An optional array of positive ids of at most `max` entries: empty when absent or null.
std::optional<std::vector<int64_t>> id_list(const nlohmann::json& body, const char* name,
                                            size_t max);

/// An optional boolean field: `fallback` when absent, nullopt when not a boolean.
std::optional<bool> bool_field(const nlohmann::json& body, const char* name, bool fallback);

} // namespace chat
