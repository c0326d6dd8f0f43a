// SQL of the URL preview cache (rooms database). Blocking; workers only.
#pragma once

#include <cstdint>
#include <string>

namespace chat {

class db_connection;

namespace preview_queries {

/// The cached preview JSON of a URL fetched less than `ttl_ms` ago, or "".
std::string cached(db_connection& db, const std::string& url, int64_t ttl_ms);

/// Stores (or refreshes) the preview of a URL.
void store(db_connection& db, const std::string& url, const std::string& preview_json);

} // namespace preview_queries

} // namespace chat
