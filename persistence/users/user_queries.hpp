// SQL of users (in the rooms store). Blocking; persistence workers only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/types/room.hpp"

namespace chat {

class db_connection;

namespace user_queries {

/// Throws store_error(conflict) when the username is taken.
user create(db_connection& db, const std::string& username, const std::string& nickname,
            const std::string& password_hash);

std::optional<user_credentials> find_by_name(db_connection& db, const std::string& username);

/// Throws store_error(not_found).
user get(db_connection& db, int64_t id);

} // namespace user_queries

} // namespace chat
