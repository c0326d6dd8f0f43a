#include "persistence/db/sql_util.hpp"

#include <charconv>

#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"

namespace chat {

bool ping(db_connection& db) {
  pqxx::nontransaction txn{db.get()};
  txn.exec("SELECT 1");
  return true;
}

std::string uuid_array(const std::vector<std::string>& ids) {
  std::string result = "{";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0)
      result += ',';
    result += ids[i];
  }
  result += '}';
  return result;
}

std::string int_array(const std::vector<int64_t>& values) {
  std::string result = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0)
      result += ',';
    result += std::to_string(values[i]);
  }
  result += '}';
  return result;
}

std::vector<int64_t> parse_int_list(const std::string& text) {
  std::vector<int64_t> result;
  const char* pos = text.data();
  const char* end = text.data() + text.size();
  while (pos < end) {
    int64_t value = 0;
    auto [next, ec] = std::from_chars(pos, end, value);
    if (ec != std::errc{})
      break;
    result.push_back(value);
    pos = next;
    if (pos < end && *pos == ',')
      ++pos;
  }
  return result;
}

} // namespace chat
