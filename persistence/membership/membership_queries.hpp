// SQL of room creation, membership, room lists and read positions (in the rooms store).
// Blocking; persistence workers only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/types/room.hpp"

namespace chat {

class db_connection;

namespace membership_queries {

/// Creates a room with the creator and the participants as members. Throws
/// store_error(invalid_input) for a bad type or an unknown participant.
room_view create_room(db_connection& db, const std::string& title, const std::string& type,
                      int64_t creator, const std::vector<int64_t>& participants);

/// Adds members (existing ones stay as they are). Throws store_error(not_found) for an unknown
/// room or user.
void add_members(db_connection& db, int64_t room_id, const std::vector<int64_t>& users);

/// Returns false if the user was no member.
bool remove_member(db_connection& db, int64_t room_id, int64_t user_id);

bool is_member(db_connection& db, int64_t room_id, int64_t user_id);

/// The room as `user_id` sees it. Throws store_error(not_found) for an unknown room and
/// store_error(not_member) when the user is not a member.
room_view view(db_connection& db, int64_t room_id, int64_t user_id);

/// A room's participants with roles and read positions, in the order they joined.
std::vector<room_participant> participants(db_connection& db, int64_t room_id);

/// The room as each of its members sees it (one view per member, participants read once).
/// Throws store_error(not_found) for an unknown room.
std::vector<room_view> member_views(db_connection& db, int64_t room_id);

/// The user's rooms, most recent activity first.
std::vector<room_view> rooms_of(db_connection& db, int64_t user_id);

/// Moves the read position forward to `seq` (or to the room's last seq when seq < 0); never
/// backwards. Returns the room as the user now sees it. Throws like view().
room_view mark_read(db_connection& db, int64_t room_id, int64_t user_id, int64_t seq);

} // namespace membership_queries

} // namespace chat
