#include "persistence/outbox_queries.hpp"

#include <algorithm>

#include <pqxx/pqxx>

#include "persistence/db_connection.hpp"
#include "persistence/fault_points.hpp"
#include "persistence/sql_util.hpp"

namespace chat::outbox_queries {

std::vector<outbox_event> claim(db_connection& db, int32_t limit, const std::string& node,
                                std::chrono::milliseconds lease) {
  pqxx::work txn{db.get()};
  auto rows = txn.exec_params(
      "UPDATE outbox SET claimed_by = $2, claimed_until = now() + $3 * interval '1 millisecond' "
      "WHERE id IN (SELECT id FROM outbox WHERE published_at IS NULL AND next_attempt_at <= now() "
      "AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY id LIMIT $1 "
      "FOR UPDATE SKIP LOCKED) "
      "RETURNING id, event_id::text, event_type, room_id, version, coalesce(message_id::text, ''), "
      "value, attempts",
      limit, node, static_cast<int64_t>(lease.count()));
  std::vector<outbox_event> result;
  result.reserve(rows.size());
  for (const auto& row : rows) {
    outbox_event event;
    event.id = row[0].as<int64_t>();
    event.event_id = row[1].as<std::string>();
    event.event_type = row[2].as<std::string>();
    event.room_id = row[3].as<int64_t>();
    event.version = row[4].as<int64_t>();
    event.message_id = row[5].as<std::string>();
    event.value = row[6].as<std::string>();
    event.attempts = row[7].as<int32_t>();
    result.push_back(std::move(event));
  }
  fault_registry::instance().hit(fault_point::outbox_claim);
  txn.commit();
  std::sort(result.begin(), result.end(),
            [](const outbox_event& x, const outbox_event& y) { return x.id < y.id; });
  return result;
}

int32_t mark_published(db_connection& db, const std::vector<int64_t>& ids) {
  if (ids.empty())
    return 0;
  pqxx::work txn{db.get()};
  auto rows = txn.exec_params("UPDATE outbox SET published_at = now(), claimed_by = NULL, "
                              "claimed_until = NULL WHERE id = ANY($1::bigint[]) "
                              "AND published_at IS NULL RETURNING id",
                              int_array(ids));
  txn.commit();
  return static_cast<int32_t>(rows.size());
}

int32_t record_failures(db_connection& db, const std::vector<publish_failure>& failures,
                        int32_t max_attempts, std::chrono::milliseconds backoff) {
  if (failures.empty())
    return 0;
  pqxx::work txn{db.get()};
  int32_t dead = 0;
  for (auto& failure : failures) {
    auto rows = txn.exec_params(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, claimed_by = NULL, "
        "claimed_until = NULL, next_attempt_at = now() + $3 * interval '1 millisecond' * "
        "power(2, LEAST(attempts, 10)) WHERE id = $1 AND published_at IS NULL RETURNING attempts",
        failure.id, failure.reason, static_cast<int64_t>(backoff.count()));
    if (rows.empty())
      continue;
    if (failure.permanent || rows[0][0].as<int32_t>() >= max_attempts) {
      txn.exec_params("INSERT INTO outbox_dead_letters (id, event_id, event_type, room_id, "
                      "version, message_id, value, attempts, last_error) "
                      "SELECT id, event_id, event_type, room_id, version, message_id, value, "
                      "attempts, last_error FROM outbox WHERE id = $1 ON CONFLICT DO NOTHING",
                      failure.id);
      txn.exec_params("DELETE FROM outbox WHERE id = $1", failure.id);
      ++dead;
    }
  }
  txn.commit();
  return dead;
}

outbox_stats stats(db_connection& db) {
  pqxx::read_transaction txn{db.get()};
  outbox_stats result;
  result.backlog =
      txn.exec1("SELECT count(*) FROM outbox WHERE published_at IS NULL")[0].as<int64_t>();
  result.dead = txn.exec1("SELECT count(*) FROM outbox_dead_letters")[0].as<int64_t>();
  return result;
}

} // namespace chat::outbox_queries
