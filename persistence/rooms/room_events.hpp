// Outbox rows as the rooms store's transactions write them (room commits, resolutions,
// message changes): each event of a room with its version, inserted in the transaction of the
// change it reports.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/transaction_base>

namespace chat {

/// One outbox row to insert (`message_id` empty for an event of the room itself). `payload` is the
/// event's payload as JSON text, or empty for a MessageSent (its payload is the message of its room
/// commit).
void add_event(nlohmann::json& rows, const char* type, int64_t room_id, int64_t version,
               const std::string& message_id, int64_t occurred_at, const std::string& payload);

/// Inserts the rows gathered by add_event, in one statement.
void insert_events(pqxx::transaction_base& txn, const nlohmann::json& rows);

/// Locks a room's row; returns (version, owner epoch). Throws store_error(not_found).
std::pair<int64_t, int64_t> lock_room(pqxx::transaction_base& txn, int64_t room_id);

} // namespace chat
