// SQL of room management in the rooms store: creation, members, roles, title and description,
// notice, leaving and deletion. Each change locks the room's row, checks the caller's role,
// and writes its outbox events (RoomUpdated, MemberJoined, MemberLeft, RoomDeleted) with the
// next versions of the room, in one transaction: one order with the room's messages and
// message changes. Blocking; persistence workers only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/types/room_admin.hpp"

namespace chat {

class db_connection;

namespace room_admin_queries {

/// Longest title, description and notice.
constexpr size_t max_title = 100;
constexpr size_t max_description = 500;
constexpr size_t max_notice = 2000;

/// Creates rooms with the creator as OWNER and the participants as members, each member one
/// MemberJoined event; all rooms or none. Throws store_error(invalid_input) for a bad spec,
/// (not_found) for an unknown participant, (blocked) for a DIRECT room of two who blocked
/// one another.
std::vector<room_view> create_rooms(db_connection& db, int64_t creator,
                                    const std::vector<room_spec>& specs);

/// Adds members to a GROUP room (the caller: OWNER or ADMIN); members already there stay.
room_admin_result add_members(db_connection& db, int64_t room_id, int64_t caller,
                              const std::vector<int64_t>& users);

/// Removes a member: the caller themselves (as leave does), or another member of a GROUP room
/// (OWNER: anyone; ADMIN: MEMBERs). Throws store_error(not_found) when the user is no member.
room_admin_result remove_member(db_connection& db, int64_t room_id, int64_t caller,
                                int64_t user_id);

/// Changes title and description (OWNER or ADMIN).
room_admin_result update(db_connection& db, int64_t room_id, int64_t caller,
                         const room_patch& patch);

/// The caller leaves (an OWNER who leaves hands the room to the longest-standing ADMIN, or
/// else member; the last member's leaving deletes the room), or, `for_everyone`, the OWNER
/// deletes the room for all.
room_admin_result leave(db_connection& db, int64_t room_id, int64_t caller, bool for_everyone);

/// The OWNER makes another member of a GROUP room ADMIN or MEMBER.
room_admin_result set_role(db_connection& db, int64_t room_id, int64_t caller, int64_t user_id,
                           const std::string& role);

/// Sets the notice (OWNER or ADMIN); "" clears it.
room_admin_result set_notice(db_connection& db, int64_t room_id, int64_t caller,
                             const std::string& content);

/// Marks or unmarks a member's favorite; the room as the member sees it.
room_view set_favorite(db_connection& db, int64_t user_id, int64_t room_id, bool favorite);

} // namespace room_admin_queries

} // namespace chat
