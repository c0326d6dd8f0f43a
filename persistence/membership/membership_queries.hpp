// SQL of room creation, membership, room lists and read positions (in the rooms store).
// Blocking; persistence workers only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/types/room.hpp"

namespace pqxx {
class transaction_base;
}

namespace chat {

class db_connection;

namespace membership_queries {

bool is_member(db_connection& db, int64_t room_id, int64_t user_id);

/// The room as `user_id` sees it. Throws store_error(not_found) for an unknown room and
/// store_error(not_member) when the user is not a member.
room_view view(db_connection& db, int64_t room_id, int64_t user_id);

/// The same inside an open transaction.
room_view view(pqxx::transaction_base& txn, int64_t room_id, int64_t user_id);

/// A room's participants with roles and read positions, in the order they joined.
std::vector<room_participant> participants(db_connection& db, int64_t room_id);

/// The same inside an open transaction.
std::vector<room_participant> participants(pqxx::transaction_base& txn, int64_t room_id);

/// The room as each of its members sees it (one view per member, participants read once).
/// Throws store_error(not_found) for an unknown room.
std::vector<room_view> member_views(db_connection& db, int64_t room_id);

/// The user's rooms, most recent activity first.
std::vector<room_view> rooms_of(db_connection& db, int64_t user_id);

/// The user's favorite rooms, most recent activity first.
std::vector<room_view> favorites(db_connection& db, int64_t user_id);

/// The user's rooms whose title or a participant's username or nickname contains `text`
/// (case-insensitive), most recent activity first, at most `limit`.
std::vector<room_view> search(db_connection& db, int64_t user_id, const std::string& text,
                              int32_t limit);

/// Moves the read position forward to `seq` (or to the room's last seq when seq < 0); never
/// backwards. Returns the room as the user now sees it. Throws like view().
room_view mark_read(db_connection& db, int64_t room_id, int64_t user_id, int64_t seq);

} // namespace membership_queries

} // namespace chat
