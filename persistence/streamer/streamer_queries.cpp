#include "persistence/streamer/streamer_queries.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "protocol/types/outbox.hpp"

namespace chat::streamer_queries {

namespace {

using json = nlohmann::json;

std::string dump(const json& x) {
  return x.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// What a batch changes in one room's metrics.
struct room_delta {
  int64_t messages = 0;
  int64_t mentions = 0;
  /// Joined minus left.
  int64_t members = 0;
  int64_t version = 0;
  /// When a RoomDeleted of the batch occurred (0: none).
  int64_t deleted_at = 0;
  /// The newest MessageSent of the batch.
  int64_t message_version = 0;
  std::string message_id;
  int64_t activity = 0;
};

/// Runs `sql` (which returns room_id, count) and adds `sign * count` through `field`.
void add_counts(pqxx::work& txn, const std::string& sql, const json& rows,
                std::map<int64_t, room_delta>& deltas, int64_t room_delta::*field, int sign) {
  if (rows.empty())
    return;
  for (const auto& row : txn.exec_params(sql, dump(rows)))
    deltas[row[0].as<int64_t>()].*field += sign * row[1].as<int64_t>();
}

mention_notification read_notification(const pqxx::row& row) {
  mention_notification result;
  result.id = row[0].as<int64_t>();
  result.user_id = row[1].as<int64_t>();
  result.room_id = row[2].as<int64_t>();
  result.message_id = row[3].as<std::string>();
  result.sender_id = row[4].as<int64_t>();
  result.created_at = row[5].as<int64_t>();
  return result;
}

constexpr const char* notification_columns =
  "id, user_id, room_id, message_id::text, sender_id, created_at";

} // namespace

batch_report apply(db_connection& db, const std::string& topic,
                   const std::vector<kafka_record>& records) {
  batch_report report;
  std::vector<chat_event> events;
  std::set<std::string> seen;
  json dead = json::array();
  for (const auto& record : records) {
    std::string error;
    auto event = decode_chat_event(record.value, error);
    if (!event) {
      dead.push_back({{"partition", record.partition},
                      {"offset", record.offset},
                      {"key", record.key},
                      {"value", record.value},
                      {"error", error}});
      continue;
    }
    if (!seen.insert(event->event_id).second) {
      ++report.duplicates; // twice in one batch
      continue;
    }
    events.push_back(std::move(*event));
  }
  pqxx::work txn{db.get()};
  // 1. Claim the event ids: only events claimed now have effects.
  std::set<std::string> fresh_ids;
  if (!events.empty()) {
    json claims = json::array();
    for (auto& e : events)
      claims.push_back({{"event_id", e.event_id},
                        {"event_type", e.event_type},
                        {"room_id", e.room_id},
                        {"version", e.version}});
    for (const auto& row : txn.exec_params(
           "INSERT INTO event_handled (event_id, event_type, room_id, version) "
           "SELECT x.event_id, x.event_type, x.room_id, x.version FROM json_to_recordset($1::json) "
           "AS x(event_id uuid, event_type text, room_id bigint, version bigint) "
           "ON CONFLICT DO NOTHING RETURNING event_id::text",
           dump(claims)))
      fresh_ids.insert(row[0].as<std::string>());
  }
  std::map<int64_t, room_delta> deltas;
  json sent = json::array();
  json mentions = json::array();
  json retracted = json::array();
  std::set<std::string> retracted_ids;
  for (auto& e : events) {
    if (fresh_ids.count(e.event_id) == 0) {
      ++report.duplicates;
      continue;
    }
    ++report.handled;
    auto& delta = deltas[e.room_id];
    delta.version = std::max(delta.version, e.version);
    if (e.event_type == event_type::message_sent) {
      sent.push_back({{"message_id", e.message_id}, {"room_id", e.room_id}});
      if (e.version > delta.message_version) {
        delta.message_version = e.version;
        delta.message_id = e.message_id;
        delta.activity = e.occurred_at;
      }
    } else if (e.event_type == event_type::message_mentioned) {
      for (auto user : e.mentioned_user_ids)
        mentions.push_back({{"user_id", user},
                            {"room_id", e.room_id},
                            {"message_id", e.message_id},
                            {"sender_id", e.sender_id},
                            {"event_id", e.event_id},
                            {"created_at", e.occurred_at}});
    } else if (e.event_type == event_type::message_retracted ||
               e.event_type == event_type::message_deleted) {
      // A deleted message is counted out like a retracted one (once, whichever comes first).
      if (retracted_ids.insert(e.message_id).second)
        retracted.push_back({{"message_id", e.message_id}, {"room_id", e.room_id}});
    } else if (e.event_type == event_type::member_joined) {
      ++delta.members;
    } else if (e.event_type == event_type::member_left) {
      --delta.members;
    } else if (e.event_type == event_type::room_deleted) {
      delta.deleted_at = std::max(delta.deleted_at, e.occurred_at);
    }
    // Edits, reactions, pins, previews and room details change no count: only the room's
    // version moves.
  }
  // 2. Messages count once per message id; a retraction seen first keeps them from counting.
  add_counts(txn,
             "WITH ins AS (INSERT INTO counted_messages (message_id, room_id) "
             "SELECT x.message_id, x.room_id FROM json_to_recordset($1::json) "
             "AS x(message_id uuid, room_id bigint) ON CONFLICT DO NOTHING RETURNING room_id) "
             "SELECT room_id, count(*) FROM ins GROUP BY room_id",
             sent, deltas, &room_delta::messages, 1);
  // 3. Mentions of messages not retracted, once per user and message.
  if (!mentions.empty())
    for (const auto& row : txn.exec_params(
           std::string{"INSERT INTO mention_notifications (user_id, room_id, message_id, "
                       "sender_id, event_id, created_at) SELECT x.user_id, x.room_id, "
                       "x.message_id, x.sender_id, x.event_id, x.created_at FROM "
                       "json_to_recordset($1::json) AS x(user_id bigint, room_id bigint, "
                       "message_id uuid, sender_id bigint, event_id uuid, created_at bigint) "
                       "WHERE NOT EXISTS (SELECT 1 FROM counted_messages m WHERE m.message_id = "
                       "x.message_id AND m.retracted) "
                       "ON CONFLICT (user_id, message_id) DO NOTHING RETURNING "} +
             notification_columns,
           dump(mentions))) {
      report.notifications.push_back(read_notification(row));
      ++deltas[report.notifications.back().room_id].mentions;
    }
  // 4. Retractions undo what their message counted (and leave a mark for a late MessageSent).
  add_counts(txn,
             "WITH r AS (INSERT INTO counted_messages (message_id, room_id, retracted) "
             "SELECT x.message_id, x.room_id, true FROM json_to_recordset($1::json) "
             "AS x(message_id uuid, room_id bigint) ON CONFLICT (message_id) DO UPDATE "
             "SET retracted = true WHERE NOT counted_messages.retracted "
             "RETURNING room_id, xmax <> 0 AS counted) "
             "SELECT room_id, count(*) FILTER (WHERE counted) FROM r GROUP BY room_id",
             retracted, deltas, &room_delta::messages, -1);
  add_counts(txn,
             "WITH d AS (DELETE FROM mention_notifications WHERE message_id IN "
             "(SELECT x.message_id FROM json_to_recordset($1::json) AS x(message_id uuid)) "
             "RETURNING room_id) SELECT room_id, count(*) FROM d GROUP BY room_id",
             retracted, deltas, &room_delta::mentions, -1);
  std::erase_if(report.notifications, [&](const mention_notification& x) {
    return retracted_ids.count(x.message_id) > 0;
  });
  // Live delivery: chatd nodes LISTEN on this channel; NOTIFY is sent only if this commits.
  if (!report.notifications.empty()) {
    json payloads = json::array();
    for (auto& x : report.notifications)
      payloads.push_back(notification_json(x));
    txn.exec_params("SELECT pg_notify('" + std::string{notification_channel} +
                      "', x) FROM json_array_elements_text($1::json) AS x",
                    dump(payloads));
  }
  // 5. The metrics; the newest message only moves forward in version.
  if (!deltas.empty()) {
    json rows = json::array();
    for (auto& [room, d] : deltas)
      rows.push_back({{"room_id", room},
                      {"messages", d.messages},
                      {"mentions", d.mentions},
                      {"members", d.members},
                      {"deleted_at", d.deleted_at == 0 ? json(nullptr) : json(d.deleted_at)},
                      {"version", d.version},
                      {"message_version", d.message_version},
                      {"message_id", d.message_id.empty() ? json(nullptr) : json(d.message_id)},
                      {"activity", d.activity}});
    txn.exec_params(
      "INSERT INTO room_metrics AS m (room_id, messages, mentions, members, deleted_at, "
      "last_version, last_message_version, last_message_id, last_activity_at) "
      "SELECT x.room_id, x.messages, x.mentions, x.members, x.deleted_at, x.version, "
      "x.message_version, x.message_id, x.activity FROM json_to_recordset($1::json) AS "
      "x(room_id bigint, messages bigint, mentions bigint, members bigint, deleted_at bigint, "
      "version bigint, message_version bigint, message_id uuid, activity bigint) "
      "ON CONFLICT (room_id) DO UPDATE SET "
      "messages = m.messages + excluded.messages, mentions = m.mentions + excluded.mentions, "
      "members = m.members + excluded.members, "
      "deleted_at = coalesce(m.deleted_at, excluded.deleted_at), "
      "last_version = greatest(m.last_version, excluded.last_version), "
      "last_message_id = CASE WHEN excluded.last_message_version > m.last_message_version "
      "THEN excluded.last_message_id ELSE m.last_message_id END, "
      "last_activity_at = CASE WHEN excluded.last_message_version > m.last_message_version "
      "THEN excluded.last_activity_at ELSE m.last_activity_at END, "
      "last_message_version = greatest(m.last_message_version, excluded.last_message_version), "
      "updated_at = now()",
      dump(rows));
  }
  // 6. Poison records: kept for inspection, skipped.
  if (!dead.empty()) {
    for (auto& d : dead)
      d["topic"] = topic;
    report.dead = static_cast<int32_t>(
      txn
        .exec_params("INSERT INTO streamer_dead_letters (topic, partition, \"offset\", key, value, "
                     "error) SELECT x.topic, x.partition, x.\"offset\", x.key, x.value, x.error "
                     "FROM json_to_recordset($1::json) AS x(topic text, partition integer, "
                     "\"offset\" bigint, key text, value text, error text) "
                     "ON CONFLICT DO NOTHING",
                     dump(dead))
        .affected_rows());
  }
  txn.commit();
  return report;
}

std::vector<mention_notification> notifications_of(db_connection& db, int64_t user_id,
                                                   int32_t limit) {
  pqxx::read_transaction txn{db.get()};
  std::vector<mention_notification> result;
  for (const auto& row :
       txn.exec_params(std::string{"SELECT "} + notification_columns +
                         " FROM mention_notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
                       user_id, limit))
    result.push_back(read_notification(row));
  return result;
}

} // namespace chat::streamer_queries
