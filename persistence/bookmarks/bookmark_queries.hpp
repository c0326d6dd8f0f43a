// SQL of bookmarks (rooms database): a user's saved messages. Blocking; workers only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/types/change.hpp"

namespace chat {

class db_connection;

namespace bookmark_queries {

/// Adds (or removes) the bookmark of a message of a room the user is a member of; true when it
/// changed. Throws store_error(not_member) or store_error(not_found) for a message that is not
/// in that room.
bool set(db_connection& db, int64_t user_id, const std::string& message_id, int64_t room_id,
         bool add);

/// The user's bookmarks in the rooms they are a member of (of one room unless room_id is 0),
/// newest first.
std::vector<bookmark> list(db_connection& db, int64_t user_id, int64_t room_id);

} // namespace bookmark_queries

} // namespace chat
