#include "persistence/outbox/outbox_queries.hpp"

#include <map>
#include <set>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/sql_util.hpp"
#include "persistence/faults/fault_points.hpp"
#include "protocol/codec/event_json.hpp"

namespace chat::outbox_queries {

namespace {

// The payload of a MessageSent is the message of its room commit (stored once). An event whose
// room has an earlier event still waiting for its retry is not due: a room's events are
// published in version order, whatever failed before. Only a retried event (attempts > 0) waits,
// so that question reads the partial index outbox_retrying, not the room's whole backlog.
constexpr const char* claim_sql =
  "SELECT o.id, o.event_id::text, o.event_type, o.room_id, o.version, "
  "coalesce(o.message_id::text, ''), coalesce(o.payload, rm.message::text, ''), "
  "(extract(epoch from o.occurred_at) * 1000)::bigint, o.attempts FROM outbox o "
  "LEFT JOIN room_messages rm ON o.payload IS NULL AND rm.message_id = o.message_id "
  "WHERE (o.attempts = 0 OR o.next_attempt_at <= now()) AND NOT EXISTS (SELECT 1 FROM outbox e "
  "WHERE e.room_id = o.room_id AND e.id < o.id AND e.attempts > 0 AND e.next_attempt_at > now()) "
  "ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED";

constexpr const char* retry_sql =
  "UPDATE outbox o SET attempts = o.attempts + 1, last_error = x.reason, "
  "next_attempt_at = now() + $2 * interval '1 millisecond' * power(2, LEAST(o.attempts, 10)) "
  "FROM json_to_recordset($1::json) AS x(id bigint, reason text) WHERE o.id = x.id "
  "RETURNING o.id, o.attempts";

constexpr const char* bury_sql =
  "WITH gone AS (DELETE FROM outbox o USING json_to_recordset($1::json) AS x(id bigint) "
  "WHERE o.id = x.id RETURNING o.id) "
  "INSERT INTO outbox_dead_letters (id, event_id, event_type, room_id, version, message_id, "
  "value, attempts, last_error) SELECT x.id, x.event_id, x.event_type, x.room_id, x.version, "
  "x.message_id, x.value, x.attempts, x.last_error FROM json_to_recordset($1::json) AS "
  "x(id bigint, event_id uuid, event_type text, room_id bigint, version bigint, "
  "message_id uuid, value text, attempts integer, last_error text) "
  "WHERE x.id IN (SELECT id FROM gone) ON CONFLICT DO NOTHING RETURNING id";

} // namespace

publish_report publish_cycle(db_connection& db, const publish_options& options,
                             const produce_fn& produce) {
  using json = nlohmann::json;
  auto dump = [](const json& x) { return x.dump(-1, ' ', false, json::error_handler_t::replace); };
  publish_report report;
  db.prepare("claim_outbox", claim_sql);
  db.prepare("publish_outbox", "DELETE FROM outbox WHERE id = ANY($1::bigint[])");
  pqxx::work txn{db.get()};
  // One relay publishes at a time, cluster-wide: two relays claiming disjoint batches (SKIP
  // LOCKED) could produce a room's events out of version order. The lock ends with the
  // transaction, or with the connection of a relay that died.
  if (!txn.exec1("SELECT pg_try_advisory_xact_lock(7365228)")[0].as<bool>()) {
    txn.commit();
    return report;
  }
  auto rows = txn.exec_prepared("claim_outbox", options.batch);
  std::vector<outbox_event> events;
  std::vector<bool> broken; // no payload: cannot be published, ever
  events.reserve(rows.size());
  for (const auto& row : rows) {
    outbox_event event;
    event.id = row[0].as<int64_t>();
    event.event_id = row[1].as<std::string>();
    event.event_type = row[2].as<std::string>();
    event.room_id = row[3].as<int64_t>();
    event.version = row[4].as<int64_t>();
    event.message_id = row[5].as<std::string>();
    auto payload = row[6].as<std::string>();
    broken.push_back(payload.empty());
    event.value =
      encode_event_text(event.event_id, event.event_type, event.room_id, event.version,
                        row[7].as<int64_t>(), payload.empty() ? std::string_view{"null"} : payload);
    event.attempts = row[8].as<int32_t>();
    events.push_back(std::move(event));
  }
  report.claimed = static_cast<int32_t>(events.size());
  if (events.empty()) {
    txn.commit();
    return report;
  }
  fault_registry::instance().hit(fault_point::outbox_claim);
  auto started = std::chrono::steady_clock::now();
  std::vector<outbox_event> sendable;
  std::vector<size_t> index;
  for (size_t i = 0; i < events.size(); ++i)
    if (!broken[i]) {
      sendable.push_back(events[i]);
      index.push_back(i);
    }
  std::vector<delivery> deliveries(events.size(), delivery{false, "payload missing", true});
  if (!sendable.empty()) {
    auto reports = produce(sendable);
    for (size_t j = 0; j < index.size(); ++j)
      deliveries[index[j]] =
        j < reports.size() ? reports[j] : delivery{false, "no delivery report", false};
  }
  report.produce_latency_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count();
  // After a room's first failed event, its later events of the batch count as failed too: they
  // go out again after it (consumers drop the repeats by eventId), never only before it.
  {
    std::set<int64_t> failed_rooms;
    for (size_t i = 0; i < events.size(); ++i) {
      if (!deliveries[i].ok)
        failed_rooms.insert(events[i].room_id);
      else if (failed_rooms.count(events[i].room_id) > 0)
        deliveries[i] = delivery{false, "an earlier event of the room failed", false};
    }
  }
  std::vector<int64_t> published;
  json failures = json::array();
  std::map<int64_t, size_t> failed_index;
  std::set<int64_t> dead;
  for (size_t i = 0; i < events.size(); ++i) {
    if (deliveries[i].ok) {
      published.push_back(events[i].id);
      continue;
    }
    if (report.first_error.empty())
      report.first_error = deliveries[i].error;
    failures.push_back(json{{"id", events[i].id}, {"reason", deliveries[i].error}});
    failed_index[events[i].id] = i;
    if (deliveries[i].permanent)
      dead.insert(events[i].id);
  }
  report.published = static_cast<int32_t>(published.size());
  report.failed = static_cast<int32_t>(failed_index.size());
  if (!published.empty())
    txn.exec_prepared("publish_outbox", int_array(published));
  if (!failed_index.empty()) {
    std::map<int64_t, int32_t> attempts;
    for (const auto& row : txn.exec_params(retry_sql, dump(failures),
                                           static_cast<int64_t>(options.retry_backoff.count()))) {
      attempts[row[0].as<int64_t>()] = row[1].as<int32_t>();
      if (row[1].as<int32_t>() >= options.max_attempts)
        dead.insert(row[0].as<int64_t>());
    }
    if (!dead.empty()) {
      json letters = json::array();
      for (auto id : dead) {
        auto& event = events[failed_index[id]];
        letters.push_back(
          json{{"id", id},
               {"event_id", event.event_id},
               {"event_type", event.event_type},
               {"room_id", event.room_id},
               {"version", event.version},
               {"message_id", event.message_id.empty() ? json(nullptr) : json(event.message_id)},
               {"value", event.value},
               {"attempts", attempts[id]},
               {"last_error", deliveries[failed_index[id]].error}});
      }
      report.dead = static_cast<int32_t>(txn.exec_params(bury_sql, dump(letters)).size());
    }
  }
  txn.commit();
  return report;
}

int64_t requeue_dead_letters(db_connection& db) {
  pqxx::work txn{db.get()};
  // A MessageSent takes its payload from its room commit again; others keep theirs.
  auto rows = txn.exec(
    "WITH gone AS (DELETE FROM outbox_dead_letters RETURNING *) "
    "INSERT INTO outbox (event_id, event_type, room_id, version, message_id, payload, "
    "occurred_at) SELECT event_id, event_type, room_id, version, message_id, "
    "CASE WHEN event_type = 'MessageSent' THEN NULL "
    "ELSE (value::json -> 'payload')::text END, "
    "coalesce((value::json ->> 'occurredAt')::timestamptz, dead_at) FROM gone RETURNING id");
  txn.commit();
  return static_cast<int64_t>(rows.size());
}

} // namespace chat::outbox_queries
