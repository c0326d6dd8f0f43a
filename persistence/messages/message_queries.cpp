#include "persistence/messages/message_queries.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/sql_util.hpp"
#include "persistence/db/store_error.hpp"
#include "persistence/faults/fault_points.hpp"
#include "persistence/messages/message_rows.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/uuid.hpp"

namespace chat::message_queries {

namespace {

using json = nlohmann::json;

std::vector<std::string> valid_ids(const std::vector<std::string>& ids) {
  std::vector<std::string> result;
  for (auto& id : ids)
    if (is_uuid(id))
      result.push_back(id);
  return result;
}

/// Runs `sql` (which takes a uuid[] as $1 and returns the ids it touched) in one transaction
/// and reports per id whether it was touched.
std::vector<item_result<bool>> touch_ids(db_connection& db, const std::vector<std::string>& ids,
                                         const char* sql, const char* fault) {
  std::vector<item_result<bool>> results(ids.size());
  auto valid = valid_ids(ids);
  std::set<std::string> touched;
  pqxx::work txn{db.get()};
  if (!valid.empty())
    for (const auto& row : txn.exec_params(sql, uuid_array(valid)))
      touched.insert(row[0].as<std::string>());
  if (fault != nullptr)
    fault_registry::instance().hit(fault);
  txn.commit();
  for (size_t i = 0; i < ids.size(); ++i)
    results[i].value = touched.count(ids[i]) > 0;
  return results;
}

} // namespace

/// The message and its pending mark, in one statement.
constexpr const char* insert_sql =
  "WITH stored AS (INSERT INTO messages (id, room_id, seq, sender_id, temp_id, content, type, "
  "mentions, thread_id, reply_to, forwarded_from, created_at) "
  "SELECT x.id, x.room_id, x.seq, x.sender_id, x.temp_id, x.content, x.type, x.mentions, "
  "NULLIF(x.thread_id, ''), NULLIF(x.reply_to, ''), NULLIF(x.forwarded_from, ''), "
  "'epoch'::timestamptz + x.created_at * interval '1 millisecond' "
  "FROM json_to_recordset($1::json) AS x(id uuid, room_id bigint, seq bigint, "
  "sender_id bigint, temp_id text, content text, type text, mentions bigint[], "
  "thread_id text, reply_to text, forwarded_from text, created_at bigint) "
  "ON CONFLICT DO NOTHING RETURNING id, room_id) "
  "INSERT INTO message_pending (id, room_id) SELECT id, room_id FROM stored RETURNING id::text";

std::vector<item_result<insert_outcome>> insert_pending(db_connection& db,
                                                        const std::vector<chat_message>& batch) {
  std::vector<item_result<insert_outcome>> results(batch.size());
  json rows = json::array();
  for (auto& msg : batch)
    rows.push_back(json{
      {"id", msg.id},
      {"room_id", msg.room_id},
      {"seq", msg.seq},
      {"sender_id", msg.sender_id},
      {"temp_id", msg.temp_id},
      {"content", msg.content},
      {"type", msg.type},
      {"mentions", msg.mentions},
      {"thread_id", msg.thread_id},
      {"reply_to", msg.reply_to},
      {"forwarded_from", forwarded_from_text(msg.forwarded_from)},
      {"created_at", msg.created_at},
    });
  db.prepare("insert_messages", insert_sql);
  pqxx::work txn{db.get()};
  std::set<std::string> inserted;
  auto ins =
    txn.exec_prepared("insert_messages", rows.dump(-1, ' ', false, json::error_handler_t::replace));
  for (const auto& row : ins)
    inserted.insert(row[0].as<std::string>());
  if (inserted.size() < batch.size()) {
    // Some rows hit a unique constraint: report the existing (sender, tempId) row, or a
    // failure when the conflict was on (room, seq) or id.
    json keys = json::array();
    for (auto& msg : batch)
      if (inserted.count(msg.id) == 0)
        keys.push_back(json{{"sender_id", msg.sender_id}, {"temp_id", msg.temp_id}});
    std::map<std::pair<int64_t, std::string>, chat_message> existing;
    auto found = txn.exec_params(std::string{"SELECT "} + message_columns + message_from +
                                   "WHERE (m.sender_id, m.temp_id) IN "
                                   "(SELECT * FROM json_to_recordset($1::json) AS "
                                   "x(sender_id bigint, temp_id text))",
                                 keys.dump(-1, ' ', false, json::error_handler_t::replace));
    for (const auto& row : found) {
      auto msg = read_message(row);
      auto key = std::make_pair(msg.sender_id, msg.temp_id);
      existing.emplace(std::move(key), std::move(msg));
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      if (inserted.count(batch[i].id) > 0)
        continue;
      auto j = existing.find(std::make_pair(batch[i].sender_id, batch[i].temp_id));
      if (j != existing.end() && j->second.id == batch[i].id) {
        inserted.insert(batch[i].id); // stored by an earlier attempt of the same saga
      } else if (j != existing.end() &&
                 (j->second.room_id != batch[i].room_id || j->second.content != batch[i].content)) {
        // Never answered with another message's outcome: nothing is stored for this one.
        results[i].error =
          make_error(chat_errc::temp_id_reused, "tempId " + batch[i].temp_id +
                                                  " was used for another message (room " +
                                                  std::to_string(j->second.room_id) + ")");
      } else if (j != existing.end()) {
        results[i].value.inserted = false;
        results[i].value.existing = j->second;
      } else {
        // Only another owner of the room writes its seqs: this room actor is out of date.
        results[i].error =
          make_error(chat_errc::fenced, "seq " + std::to_string(batch[i].seq) + " of room " +
                                          std::to_string(batch[i].room_id) +
                                          " is already taken by another owner");
      }
    }
  }
  fault_registry::instance().hit(fault_point::message_insert);
  txn.commit();
  for (size_t i = 0; i < batch.size(); ++i)
    if (inserted.count(batch[i].id) > 0)
      results[i].value.inserted = true;
  return results;
}

std::vector<item_result<bool>> finalize(db_connection& db,
                                        const std::vector<finalize_request>& batch) {
  std::vector<item_result<bool>> results(batch.size());
  std::vector<std::string> ids;
  for (auto& request : batch)
    if (is_uuid(request.id)) {
      ids.push_back(request.id);
    }
  std::set<std::string> done;
  // Committing = dropping the pending mark (never for a message marked compensating).
  db.prepare("finalize_messages", "DELETE FROM message_pending WHERE id = ANY($1::uuid[]) "
                                  "AND state = 0 RETURNING id::text");
  pqxx::work txn{db.get()};
  if (!ids.empty()) {
    for (const auto& row : txn.exec_prepared("finalize_messages", uuid_array(ids)))
      done.insert(row[0].as<std::string>());
    if (done.size() < ids.size()) {
      // Finalizing twice is fine: a message without a mark is committed already.
      std::vector<std::string> rest;
      for (auto& id : ids)
        if (done.count(id) == 0)
          rest.push_back(id);
      for (const auto& row :
           txn.exec_params("SELECT m.id::text FROM messages m WHERE m.id = ANY($1::uuid[]) AND "
                           "NOT EXISTS (SELECT 1 FROM message_pending p WHERE p.id = m.id)",
                           uuid_array(rest)))
        done.insert(row[0].as<std::string>());
    }
  }
  fault_registry::instance().hit(fault_point::message_finalize);
  txn.commit();
  for (size_t i = 0; i < batch.size(); ++i)
    results[i].value = done.count(batch[i].id) > 0;
  return results;
}

std::vector<item_result<bool>> remove(db_connection& db, const std::vector<std::string>& ids) {
  return touch_ids(db, ids,
                   "WITH gone AS (DELETE FROM message_pending WHERE id = ANY($1::uuid[])) "
                   "DELETE FROM messages WHERE id = ANY($1::uuid[]) RETURNING id::text",
                   fault_point::message_delete);
}

std::vector<item_result<bool>> mark_compensating(db_connection& db,
                                                 const std::vector<std::string>& ids) {
  // No fault point of its own: marking is part of compensation, whose delete is the point.
  // Only a message still pending is marked: a committed one was decided (by its saga or by
  // recovery) and stays committed.
  return touch_ids(db, ids,
                   "UPDATE message_pending SET state = 2, updated_at = now() "
                   "WHERE id = ANY($1::uuid[]) RETURNING id::text",
                   nullptr);
}

history_page history(db_connection& db, const history_query& query) {
  auto limit = std::clamp<int32_t>(query.limit, 1, 1000);
  auto before = query.before_seq > 0 ? query.before_seq : std::numeric_limits<int64_t>::max();
  pqxx::read_transaction txn{db.get()};
  auto order = query.newest_first ? " DESC" : " ASC";
  auto rows = txn.exec_params(std::string{"SELECT "} + message_columns + message_from +
                                "WHERE m.room_id = $1 AND m.seq > $2 AND m.seq < $3 "
                                "AND p.id IS NULL ORDER BY m.seq" +
                                order + " LIMIT $4",
                              query.room_id, query.after_seq, before, limit + 1);
  history_page page;
  page.messages = read_messages(rows);
  if (page.messages.size() > static_cast<size_t>(limit)) {
    page.has_more = true;
    page.messages.pop_back();
  }
  if (query.newest_first)
    std::reverse(page.messages.begin(), page.messages.end());
  return page;
}

std::vector<chat_message> find(db_connection& db, int64_t sender_id, const std::string& temp_id) {
  pqxx::read_transaction txn{db.get()};
  return read_messages(txn.exec_params(std::string{"SELECT "} + message_columns + message_from +
                                         "WHERE m.sender_id = $1 AND m.temp_id = $2",
                                       sender_id, temp_id));
}

std::vector<item_result<room_snapshot>> snapshots(db_connection& db,
                                                  const std::vector<snapshot_request>& batch) {
  std::vector<item_result<room_snapshot>> results(batch.size());
  std::vector<int64_t> rooms;
  int32_t recent = 0;
  for (auto& request : batch) {
    rooms.push_back(request.room_id);
    recent = std::max(recent, request.recent);
  }
  auto ids = int_array(rooms);
  std::map<int64_t, room_snapshot> by_room;
  pqxx::read_transaction txn{db.get()};
  // max(seq) per room through the (room_id, seq) index, one backward probe per room.
  for (const auto& row : txn.exec_params("SELECT r.id, (SELECT max(m.seq) FROM messages m "
                                         "WHERE m.room_id = r.id) FROM unnest($1::bigint[]) "
                                         "AS r(id)",
                                         ids))
    by_room[row[0].as<int64_t>()].max_seq = row[1].is_null() ? 0 : row[1].as<int64_t>();
  if (recent > 0)
    for (const auto& row :
         txn.exec_params("SELECT r.id, x.id::text, x.seq, x.sender_id, x.temp_id, x.content "
                         "FROM unnest($1::bigint[]) AS r(id) CROSS JOIN LATERAL "
                         "(SELECT m.id, m.seq, m.sender_id, m.temp_id, m.content "
                         "FROM messages m WHERE m.room_id = r.id AND NOT EXISTS (SELECT 1 FROM "
                         "message_pending p WHERE p.id = m.id) ORDER BY m.seq DESC LIMIT $2) x",
                         ids, recent)) {
      chat_message key;
      key.room_id = row[0].as<int64_t>();
      key.id = row[1].as<std::string>();
      key.seq = row[2].as<int64_t>();
      key.sender_id = row[3].as<int64_t>();
      key.temp_id = row[4].as<std::string>();
      key.content = row[5].as<std::string>();
      key.state = message_state::committed;
      by_room[key.room_id].recent.push_back(std::move(key));
    }
  for (const auto& row : txn.exec_params(std::string{"SELECT "} + message_columns +
                                           " FROM message_pending p JOIN messages m ON "
                                           "m.id = p.id WHERE p.room_id = ANY($1::bigint[]) "
                                           "ORDER BY m.room_id, m.seq",
                                         ids)) {
    auto msg = read_message(row);
    by_room[msg.room_id].unfinished.push_back(std::move(msg));
  }
  for (size_t i = 0; i < batch.size(); ++i)
    results[i].value = by_room[batch[i].room_id];
  return results;
}

std::vector<chat_message> pending(db_connection& db, std::chrono::milliseconds min_age,
                                  int32_t limit) {
  pqxx::read_transaction txn{db.get()};
  return read_messages(txn.exec_params(
    std::string{"SELECT "} + message_columns +
      " FROM message_pending p JOIN messages m ON m.id = p.id WHERE p.updated_at < now() - "
      "$1 * interval '1 millisecond' ORDER BY p.updated_at LIMIT $2",
    static_cast<int64_t>(min_age.count()), limit));
}

std::vector<chat_message> all_of_room(db_connection& db, int64_t room_id) {
  pqxx::read_transaction txn{db.get()};
  return read_messages(txn.exec_params(std::string{"SELECT "} + message_columns + message_from +
                                         "WHERE m.room_id = $1 ORDER BY m.seq",
                                       room_id));
}

} // namespace chat::message_queries
