#include "persistence/schedules/schedule_queries.hpp"

#include <algorithm>

#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/store_error.hpp"
#include "persistence/faults/fault_points.hpp"

namespace chat::schedule_queries {

namespace {

const char* const columns =
  "s.id, s.sender_id, s.room_id, s.content, s.recurrence, "
  "(extract(epoch from s.anchor_at) * 1000)::bigint, s.anchor_occurrence, s.occurrence, "
  "(extract(epoch from s.scheduled_at) * 1000)::bigint, s.status, "
  "coalesce(s.last_message_id::text, ''), s.error_code, "
  "(extract(epoch from s.created_at) * 1000)::bigint";

scheduled_message read(const pqxx::row& row) {
  scheduled_message x;
  x.id = row[0].as<int64_t>();
  x.sender_id = row[1].as<int64_t>();
  x.room_id = row[2].as<int64_t>();
  x.content = row[3].as<std::string>();
  x.recurrence = row[4].as<std::string>();
  x.anchor_at = row[5].as<int64_t>();
  x.anchor_occurrence = row[6].as<int64_t>();
  x.occurrence = row[7].as<int64_t>();
  x.scheduled_at = row[8].as<int64_t>();
  x.status = row[9].as<std::string>();
  x.last_message_id = row[10].as<std::string>();
  x.error_code = row[11].as<std::string>();
  x.created_at = row[12].as<int64_t>();
  return x;
}

std::vector<scheduled_message> read_all(const pqxx::result& rows) {
  std::vector<scheduled_message> result;
  result.reserve(rows.size());
  for (const auto& row : rows)
    result.push_back(read(row));
  return result;
}

/// The schedule of its owner, locked; throws not_found for anyone else's.
scheduled_message owned(pqxx::work& txn, int64_t user_id, int64_t id) {
  auto rows = txn.exec_params(std::string{"SELECT "} + columns +
                                ", coalesce(s.claim_until > now(), false) FROM "
                                "scheduled_messages s WHERE s.id = $1 AND s.sender_id = $2 "
                                "FOR UPDATE",
                              id, user_id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "no schedule " + std::to_string(id));
  auto result = read(rows[0]);
  if (result.status != "PENDING")
    throw store_error(chat_errc::conflict,
                      "schedule " + std::to_string(id) + " is " + result.status);
  if (rows[0][13].as<bool>())
    throw store_error(chat_errc::conflict,
                      "schedule " + std::to_string(id) + " is being sent right now");
  return result;
}

} // namespace

scheduled_message create(db_connection& db, const scheduled_message& draft) {
  pqxx::work txn{db.get()};
  if (txn
        .exec_params("SELECT 1 FROM room_members WHERE room_id = $1 AND user_id = $2",
                     draft.room_id, draft.sender_id)
        .empty())
    throw store_error(chat_errc::not_member,
                      "not a member of room " + std::to_string(draft.room_id));
  auto rows = txn.exec_params(
    std::string{"INSERT INTO scheduled_messages AS s (sender_id, room_id, content, recurrence, "
                "anchor_at, scheduled_at) VALUES ($1, $2, $3, $4, to_timestamp($5::bigint / "
                "1000.0), to_timestamp($5::bigint / 1000.0)) RETURNING "} +
      columns,
    draft.sender_id, draft.room_id, draft.content, draft.recurrence, draft.scheduled_at);
  txn.commit();
  return read(rows[0]);
}

std::vector<scheduled_message> list(db_connection& db, int64_t user_id, int64_t room_id) {
  pqxx::read_transaction txn{db.get()};
  return read_all(txn.exec_params(
    std::string{"SELECT "} + columns +
      " FROM scheduled_messages s WHERE s.sender_id = $1 AND ($2 = 0 OR s.room_id = $2) "
      "ORDER BY (s.status <> 'PENDING'), s.scheduled_at, s.id LIMIT 500",
    user_id, room_id));
}

scheduled_message modify(db_connection& db, const schedule_change& change) {
  pqxx::work txn{db.get()};
  auto current = owned(txn, change.user_id, change.id);
  auto content = change.set_content ? change.content : current.content;
  auto recurrence = change.set_recurrence ? change.recurrence : current.recurrence;
  bool moved = change.scheduled_at != 0 || recurrence != current.recurrence;
  // A new time or recurrence starts a new series at the next occurrence: the occurrences
  // fired so far keep their numbers (and tempIds).
  auto anchor_at = change.scheduled_at != 0 ? change.scheduled_at : current.scheduled_at;
  auto rows = txn.exec_params(
    std::string{"UPDATE scheduled_messages s SET content = $2, recurrence = $3, anchor_at = "
                "CASE WHEN $4 THEN to_timestamp($5::bigint / 1000.0) ELSE s.anchor_at END, "
                "anchor_occurrence = CASE WHEN $4 THEN s.occurrence ELSE s.anchor_occurrence "
                "END, scheduled_at = CASE WHEN $4 THEN to_timestamp($5::bigint / 1000.0) ELSE "
                "s.scheduled_at END WHERE s.id = $1 RETURNING "} +
      columns,
    change.id, content, recurrence, moved, anchor_at);
  txn.commit();
  return read(rows[0]);
}

void cancel(db_connection& db, int64_t user_id, int64_t id) {
  pqxx::work txn{db.get()};
  auto rows = txn.exec_params("SELECT status FROM scheduled_messages WHERE id = $1 AND "
                              "sender_id = $2 FOR UPDATE",
                              id, user_id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "no schedule " + std::to_string(id));
  auto status = rows[0][0].as<std::string>();
  if (status != "PENDING")
    throw store_error(chat_errc::conflict, "schedule " + std::to_string(id) + " is " + status);
  // An occurrence that a node is sending right now still arrives; none after it.
  txn.exec_params("UPDATE scheduled_messages SET status = 'CANCELLED', claimed_by = NULL, "
                  "claim_until = NULL WHERE id = $1",
                  id);
  txn.commit();
}

std::vector<scheduled_message> claim(db_connection& db, const std::string& node, int64_t now_ms,
                                     int64_t lease_ms, int32_t limit) {
  pqxx::work txn{db.get()};
  auto result = read_all(txn.exec_params(
    std::string{"UPDATE scheduled_messages s SET claimed_by = $1, claim_until = "
                "to_timestamp(($2::bigint + $3::bigint) / 1000.0) FROM (SELECT id FROM "
                "scheduled_messages WHERE status = 'PENDING' AND scheduled_at <= "
                "to_timestamp($2::bigint / 1000.0) AND (claim_until IS NULL OR claim_until <= "
                "to_timestamp($2::bigint / 1000.0)) ORDER BY scheduled_at, id LIMIT $4 FOR "
                "UPDATE SKIP LOCKED) due WHERE s.id = due.id RETURNING "} +
      columns,
    node, now_ms, lease_ms, limit));
  txn.commit();
  if (!result.empty())
    fault_registry::instance().hit(fault_point::schedule_claim);
  std::sort(result.begin(), result.end(), [](const auto& x, const auto& y) {
    return x.scheduled_at != y.scheduled_at ? x.scheduled_at < y.scheduled_at : x.id < y.id;
  });
  return result;
}

bool finish(db_connection& db, const std::string& node, const occurrence_outcome& outcome) {
  fault_registry::instance().hit(fault_point::schedule_finish);
  pqxx::work txn{db.get()};
  std::string status = !outcome.sent ? "FAILED" : outcome.next_at != 0 ? "PENDING" : "SENT";
  auto rows = txn.exec_params(
    "UPDATE scheduled_messages SET occurrence = occurrence + 1, status = $4, scheduled_at = "
    "CASE WHEN $5::bigint <> 0 THEN to_timestamp($5::bigint / 1000.0) ELSE scheduled_at END, "
    "last_message_id = coalesce(nullif($6, '')::uuid, last_message_id), error_code = $7, "
    "claimed_by = NULL, claim_until = NULL WHERE id = $1 AND occurrence = $2 AND claimed_by = "
    "$3 AND status = 'PENDING' RETURNING id",
    outcome.id, outcome.occurrence, node, status, outcome.sent ? outcome.next_at : 0,
    outcome.message_id, outcome.error_code);
  txn.commit();
  return !rows.empty();
}

bool release(db_connection& db, const std::string& node, int64_t id, int64_t occurrence,
             int64_t retry_at_ms) {
  pqxx::work txn{db.get()};
  auto rows = txn.exec_params(
    "UPDATE scheduled_messages SET claimed_by = NULL, claim_until = to_timestamp($4::bigint / "
    "1000.0) WHERE id = $1 AND occurrence = $2 AND claimed_by = $3 AND status = 'PENDING' "
    "RETURNING id",
    id, occurrence, node, retry_at_ms);
  txn.commit();
  return !rows.empty();
}

int64_t release_node(db_connection& db, const std::string& node) {
  pqxx::work txn{db.get()};
  auto rows = txn.exec_params("UPDATE scheduled_messages SET claimed_by = NULL, claim_until = "
                              "NULL WHERE claimed_by = $1 RETURNING id",
                              node);
  txn.commit();
  return static_cast<int64_t>(rows.size());
}

} // namespace chat::schedule_queries
