// SQL of the rooms store: room ownership, room commits (saga step 2) with the owner-epoch
// fence, their compensation, and saga dead letters. Blocking; persistence workers only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/item_result.hpp"
#include "protocol/room.hpp"
#include "protocol/saga.hpp"

namespace chat {

class db_connection;

namespace room_queries {

/// Increments the room's owner epoch for `node`; throws store_error(not_found).
room_claim claim(db_connection& db, int64_t room_id, const std::string& node);

/// Saga step 2 for several rooms in one transaction, each under its own savepoint: a fenced
/// or failed room does not affect the others. Per room: lock the row, check the epoch, skip
/// tombstoned messages, insert the room commits and outbox events, update the room and the
/// senders' read positions.
std::vector<item_result<commit_result>> commit(db_connection& db,
                                               const std::vector<room_commit>& batch);

/// Decides a message under the room's row lock. If its commit exists and `abort` is false,
/// keeps it (committed = true). Otherwise writes a tombstone (so a late commit can never
/// happen), removes the commit if there was one, deletes its unpublished events (or adds a
/// MessageRetracted event if one may have been published) and recomputes the room.
resolution resolve(db_connection& db, int64_t room_id, const std::string& message_id, bool abort);

void record_dead_letter(db_connection& db, const saga_dead_letter& letter);

std::vector<saga_dead_letter> dead_letters(db_connection& db, int32_t limit);

bool resolve_dead_letter(db_connection& db, const std::string& message_id);

/// Throws store_error(not_found).
room_metadata get(db_connection& db, int64_t room_id);

std::vector<room_member> members(db_connection& db, int64_t room_id);

} // namespace room_queries

} // namespace chat
