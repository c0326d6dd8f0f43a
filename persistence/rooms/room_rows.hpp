// How rooms are read from rows: shared by the queries that return rooms.
#pragma once

#include <pqxx/row>
#include <pqxx/transaction_base>

#include "protocol/types/room.hpp"

namespace chat {

/// The select list that read_room expects (alias r for the rooms table).
extern const char* const room_columns;

room_metadata read_room(const pqxx::row& row);

/// Reads one room; throws store_error(not_found) if there is none.
room_metadata read_room_by_id(pqxx::transaction_base& txn, int64_t room_id);

/// A member's unread count, for a select over `rooms r` and `room_members m`: the committed
/// messages after the member's read position (a FAILED message's seq, a gap, never counts).
extern const char* const unread_column;

} // namespace chat
