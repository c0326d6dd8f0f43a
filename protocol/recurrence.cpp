#include "protocol/recurrence.hpp"

#include <chrono>

namespace chat {

bool valid_recurrence(std::string_view recurrence) {
  return recurrence.empty() || recurrence == "DAILY" || recurrence == "WEEKLY" ||
         recurrence == "MONTHLY";
}

int64_t occurrence_at(int64_t anchor_ms, std::string_view recurrence, int64_t n) {
  using namespace std::chrono;
  constexpr int64_t day_ms = 24 * 3600 * 1000LL;
  if (n == 0)
    return anchor_ms;
  if (recurrence == "DAILY")
    return anchor_ms + n * day_ms;
  if (recurrence == "WEEKLY")
    return anchor_ms + 7 * n * day_ms;
  if (recurrence != "MONTHLY")
    return 0;
  auto anchor = sys_time<milliseconds>{milliseconds{anchor_ms}};
  auto anchor_day = floor<days>(anchor);
  auto time_of_day = anchor - anchor_day;
  year_month_day date{anchor_day};
  auto month = year_month{date.year(), date.month()} + months{n};
  auto last = year_month_day_last{month.year(), month_day_last{month.month()}}.day();
  auto day = std::min(date.day(), last);
  auto due = sys_days{year_month_day{month.year(), month.month(), day}} + time_of_day;
  return due.time_since_epoch().count();
}

} // namespace chat
