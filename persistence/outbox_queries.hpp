// SQL of the outbox: claim with FOR UPDATE SKIP LOCKED and a lease, mark published, count
// failures, move to dead letters. Blocking; persistence workers only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/outbox.hpp"

namespace chat {

class db_connection;

namespace outbox_queries {

/// Claims up to `limit` publishable events for `node` until now + `lease`, in id order.
/// Rows claimed by another live lease are skipped, locked rows too (SKIP LOCKED).
std::vector<outbox_event> claim(db_connection& db, int32_t limit, const std::string& node,
                                std::chrono::milliseconds lease);

/// Marks events published; returns how many rows changed.
int32_t mark_published(db_connection& db, const std::vector<int64_t>& ids);

/// Counts a failed attempt per event and schedules its retry after an exponential backoff
/// from `backoff`; events that reach `max_attempts` (or fail permanently) move to
/// outbox_dead_letters. Returns the number of events dead-lettered.
int32_t record_failures(db_connection& db, const std::vector<publish_failure>& failures,
                        int32_t max_attempts, std::chrono::milliseconds backoff);

outbox_stats stats(db_connection& db);

} // namespace outbox_queries

} // namespace chat
