// Scheduled messages: a schedule as its owner sees it, a change of one, and what the scheduler
// claims and reports back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace chat {

/// A message to send at a time, once or recurring (DAILY, WEEKLY, MONTHLY in UTC).
struct scheduled_message {
  int64_t id = 0;
  int64_t sender_id = 0;
  int64_t room_id = 0;
  std::string content;
  /// "" (once), "DAILY", "WEEKLY" or "MONTHLY".
  std::string recurrence;
  /// When the first occurrence is due (ms); the later ones follow from it (occurrence_at).
  int64_t anchor_at = 0;
  /// The occurrence that is due at anchor_at (a change of time or recurrence starts anew).
  int64_t anchor_occurrence = 0;
  /// The occurrence due next (0: the first) and when it is due (ms).
  int64_t occurrence = 0;
  int64_t scheduled_at = 0;
  /// PENDING, SENT, FAILED or CANCELLED.
  std::string status;
  /// The message of the last occurrence sent, and why the schedule FAILED.
  std::string last_message_id;
  std::string error_code;
  int64_t created_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scheduled_message& x) {
  return f(caf::meta::type_name("chat::scheduled_message"), x.id, x.sender_id, x.room_id, x.content,
           x.recurrence, x.anchor_at, x.anchor_occurrence, x.occurrence, x.scheduled_at, x.status,
           x.last_message_id, x.error_code, x.created_at);
}

/// A change of a PENDING schedule by its owner; what is not `set_*` stays.
struct schedule_change {
  int64_t id = 0;
  int64_t user_id = 0;
  bool set_content = false;
  std::string content;
  /// A new first occurrence (ms), or 0.
  int64_t scheduled_at = 0;
  bool set_recurrence = false;
  std::string recurrence;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, schedule_change& x) {
  return f(caf::meta::type_name("chat::schedule_change"), x.id, x.user_id, x.set_content, x.content,
           x.scheduled_at, x.set_recurrence, x.recurrence);
}

/// How one claimed occurrence ended, as the scheduler reports it (fenced by node and
/// occurrence: a report of an occurrence that is no longer claimed by that node changes
/// nothing).
struct occurrence_outcome {
  int64_t id = 0;
  int64_t occurrence = 0;
  /// True: SAVED (then `message_id`); false: FAILED for good (then `error_code`).
  bool sent = false;
  std::string message_id;
  std::string error_code;
  /// When the next occurrence is due (ms), or 0 when there is none (the schedule ends).
  int64_t next_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, occurrence_outcome& x) {
  return f(caf::meta::type_name("chat::occurrence_outcome"), x.id, x.occurrence, x.sent,
           x.message_id, x.error_code, x.next_at);
}

} // namespace chat
