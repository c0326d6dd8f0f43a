// SQL of scheduled messages (rooms database): the owner's schedules, and the claims by which
// exactly one node fires each occurrence. Blocking; workers only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/types/schedule.hpp"

namespace chat {

class db_connection;

namespace schedule_queries {

/// Creates a PENDING schedule of a member of the room (store_error(not_member) otherwise).
scheduled_message create(db_connection& db, const scheduled_message& draft);

/// The user's schedules (of one room unless room_id is 0), the next due first; PENDING ones
/// before the ended ones.
std::vector<scheduled_message> list(db_connection& db, int64_t user_id, int64_t room_id);

/// Changes a PENDING schedule of its owner (a new time or recurrence moves the anchor). Throws
/// store_error(not_found) for another user's or an unknown schedule, store_error(conflict) for
/// one that is not PENDING or whose occurrence is being sent right now.
scheduled_message modify(db_connection& db, const schedule_change& change);

/// Cancels a PENDING schedule of its owner; throws store_error(not_found) for another user's or
/// an unknown schedule, store_error(conflict) for one that ended already.
void cancel(db_connection& db, int64_t user_id, int64_t id);

/// Claims up to `limit` occurrences due at `now_ms` for `node` until now_ms + lease_ms,
/// oldest first: rows that nobody holds, or whose claim lapsed. Concurrent claimers skip each
/// other's rows (FOR UPDATE SKIP LOCKED), so each occurrence has one claimer at a time.
std::vector<scheduled_message> claim(db_connection& db, const std::string& node, int64_t now_ms,
                                     int64_t lease_ms, int32_t limit);

/// Records how a claimed occurrence ended: the next occurrence PENDING (recurring), or the
/// schedule SENT or FAILED. Fenced: false when `node` no longer holds that occurrence.
bool finish(db_connection& db, const std::string& node, const occurrence_outcome& outcome);

/// Gives a claimed occurrence back, to be claimed again (by any node) from `retry_at_ms`;
/// false when `node` no longer holds it.
bool release(db_connection& db, const std::string& node, int64_t id, int64_t occurrence,
             int64_t retry_at_ms);

/// Gives back every claim of `node` (it starts: nothing of its own is in flight).
int64_t release_node(db_connection& db, const std::string& node);

} // namespace schedule_queries

} // namespace chat
