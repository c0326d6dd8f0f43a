// How rooms are read from rows: shared by the queries that return rooms.
#pragma once

#include <pqxx/row>

#include "protocol/types/room.hpp"

namespace chat {

/// The select list that read_room expects (alias r for the rooms table).
extern const char* const room_columns;

room_metadata read_room(const pqxx::row& row);

/// A member's unread count, for a select over `rooms r` and `room_members m`: the committed
/// messages after the member's read position (a FAILED message's seq, a gap, never counts).
extern const char* const unread_column;

} // namespace chat
