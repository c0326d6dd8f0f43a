// When the occurrences of a recurring schedule are due, in UTC.
#pragma once

#include <cstdint>
#include <string_view>

namespace chat {

/// True for "" (once), "DAILY", "WEEKLY" and "MONTHLY".
bool valid_recurrence(std::string_view recurrence);

/// When occurrence `n` (0: the first, at `anchor_ms`) is due: DAILY adds n days, WEEKLY 7n
/// days, MONTHLY n calendar months at the anchor's day of the month, or on the last day of a
/// month that has no such day (the 31st fires on the 30th of April, then on the 31st of May
/// again). The time of day stays the anchor's. Without recurrence only occurrence 0 exists:
/// any other n answers 0.
int64_t occurrence_at(int64_t anchor_ms, std::string_view recurrence, int64_t n);

} // namespace chat
