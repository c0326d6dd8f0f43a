// Small helpers shared by the query translation units.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chat {

class db_connection;

/// Runs SELECT 1; throws when the database does not answer.
bool ping(db_connection& db);

/// A PostgreSQL array literal of UUIDs, e.g. "{a-b-c,d-e-f}". Callers pass validated UUIDs
/// only (see is_uuid), so no element needs quoting.
std::string uuid_array(const std::vector<std::string>& ids);

/// A PostgreSQL array literal of integers.
std::string int_array(const std::vector<int64_t>& values);

/// Parses "1,2,3" (array_to_string output) into integers.
std::vector<int64_t> parse_int_list(const std::string& text);

} // namespace chat
