// SQL of login sessions (refresh token families, in the rooms store). Blocking; persistence
// workers only.
#pragma once

#include <cstdint>
#include <string>

namespace chat {

class db_connection;

namespace session_queries {

/// Records the first refresh token of a new login (family).
void start(db_connection& db, int64_t user_id, const std::string& token_id,
           const std::string& family_id, int64_t expires_at);

/// Uses the refresh token `token_id` and records `next_id` as its family's next one; the
/// user's id. Throws store_error(unauthorized) when the token is unknown, expired or of an
/// ended family, and ends the family first when the token was used before (a replay).
int64_t rotate(db_connection& db, const std::string& token_id, const std::string& next_id,
               int64_t next_expires_at);

/// Ends the family of `token_id`; false when it had ended already.
bool end(db_connection& db, const std::string& token_id);

} // namespace session_queries

} // namespace chat
