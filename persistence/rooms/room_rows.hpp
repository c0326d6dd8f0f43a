// How rooms are read from rows: shared by the queries that return rooms.
#pragma once

#include <string>

#include <pqxx/row>
#include <pqxx/transaction_base>

#include "protocol/types/room.hpp"

namespace chat {

/// The select list that read_room expects (alias r for the rooms table).
extern const char* const room_columns;

/// How many columns room_columns selects.
constexpr int room_column_count = 15;

room_metadata read_room(const pqxx::row& row);

/// Reads one room; throws store_error(not_found) if there is none.
room_metadata read_room_by_id(pqxx::transaction_base& txn, int64_t room_id);

/// A member's unread count, for a select over `rooms r` and `room_members m`: the committed
/// messages after the member's read position (a FAILED message's seq, a gap, never counts).
extern const char* const unread_column;

/// What a member's view adds after room_columns, for a select over `rooms r` and
/// `room_members m`: read position, unread count, role, the room's pins (with their
/// messages, placeholders where hidden), the favorite mark, and whether the viewer hides the last
/// message's sender; read by read_member_view.
extern const std::string member_view_columns;

/// How many columns room_columns and member_view_columns select together.
constexpr int member_view_width = room_column_count + 6;

/// Reads a member's view of a room from a row of room_columns + member_view_columns.
void read_member_view(const pqxx::row& row, room_view& view);

} // namespace chat
