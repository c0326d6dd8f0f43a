// SQL of the rooms store: room ownership, room commits (saga step 2) with the owner-epoch
// fence, their compensation, and saga dead letters. Blocking; persistence workers only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/db/item_result.hpp"
#include "protocol/types/outbox.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/room_commit.hpp"
#include "protocol/types/saga.hpp"

namespace chat {

class db_connection;

namespace room_queries {

struct claim_request {
  int64_t room_id = 0;
  std::string node;
};

/// Takes ownership of rooms for nodes by incrementing their owner epochs, for rooms that
/// activate together (one transaction; rooms locked in id order). An unknown room fails with
/// not_found alone.
std::vector<item_result<room_claim>> claim(db_connection& db,
                                           const std::vector<claim_request>& batch);

/// Saga step 2 for several rooms in one transaction of three statements: lock the rooms and
/// read their epochs, find tombstoned messages, then insert the room commits and outbox
/// events and update the rooms and the senders' read positions. A fenced room fails alone.
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

/// Events waiting in the outbox, and events in its dead letters.
outbox_stats outbox_counts(db_connection& db);

} // namespace room_queries

} // namespace chat
