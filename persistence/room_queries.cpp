#include "persistence/room_queries.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db_connection.hpp"
#include "persistence/fault_points.hpp"
#include "persistence/room_rows.hpp"
#include "persistence/sql_util.hpp"
#include "persistence/store_error.hpp"
#include "protocol/clock.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/outbox.hpp"
#include "protocol/uuid.hpp"

namespace chat::room_queries {

namespace {

using json = nlohmann::json;

std::string dump(const json& x) {
  return x.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// One outbox row to insert.
void add_event(json& rows, const char* type, int64_t room_id, int64_t version,
               const std::string& message_id, int64_t occurred_at, const json& payload) {
  auto event_id = make_uuid();
  rows.push_back(json{
      {"event_id", event_id},
      {"event_type", type},
      {"version", version},
      {"message_id", message_id},
      {"value", encode_event(event_id, type, room_id, version, occurred_at, payload)},
  });
}

void insert_events(pqxx::transaction_base& txn, int64_t room_id, const json& rows) {
  txn.exec_params("INSERT INTO outbox (event_id, event_type, room_id, version, message_id, value) "
                  "SELECT x.event_id, x.event_type, $1, x.version, x.message_id, x.value "
                  "FROM jsonb_to_recordset($2::jsonb) AS x(event_id uuid, event_type text, "
                  "version bigint, message_id uuid, value text)",
                  room_id, dump(rows));
}

/// Locks the room row; throws store_error(not_found) if there is none.
pqxx::row lock_room(pqxx::transaction_base& txn, int64_t room_id) {
  auto rows = txn.exec_params("SELECT r.version, r.owner_epoch FROM rooms r WHERE r.id = $1 "
                              "FOR UPDATE",
                              room_id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "room " + std::to_string(room_id) + " does not exist");
  return rows[0];
}

commit_result commit_one(pqxx::transaction_base& txn, const room_commit& request) {
  auto head = lock_room(txn, request.room_id);
  auto epoch = head[1].as<int64_t>();
  if (epoch != request.epoch)
    throw store_error(chat_errc::fenced, "room " + std::to_string(request.room_id) +
                                             " is owned under epoch " + std::to_string(epoch) +
                                             ", not " + std::to_string(request.epoch));
  auto version = head[0].as<int64_t>();
  commit_result result;
  result.versions.resize(request.messages.size(), 0);
  // A message aborted by compensation or recovery must never be committed afterwards.
  std::set<std::string> rejected;
  {
    std::vector<std::string> ids;
    for (auto& msg : request.messages)
      if (is_uuid(msg.id))
        ids.push_back(msg.id);
    for (const auto& row : txn.exec_params("SELECT message_id::text FROM message_tombstones "
                                           "WHERE message_id = ANY($1::uuid[])",
                                           uuid_array(ids)))
      rejected.insert(row[0].as<std::string>());
    for (auto& msg : request.messages)
      if (!is_uuid(msg.id))
        rejected.insert(msg.id);
  }
  json commits = json::array();
  json events = json::array();
  std::map<int64_t, int64_t> read_positions; // sender -> highest seq in this batch
  const chat_message* last = nullptr;
  int64_t count = 0;
  int64_t last_activity = 0;
  for (size_t i = 0; i < request.messages.size(); ++i) {
    auto& msg = request.messages[i];
    if (rejected.count(msg.id) > 0) {
      result.rejected.push_back(msg.id);
      continue;
    }
    ++count;
    auto body = to_json(msg);
    commits.push_back(
        json{{"seq", msg.seq}, {"id", msg.id}, {"sender_id", msg.sender_id}, {"message", body}});
    result.versions[i] = ++version;
    add_event(events, event_type::message_sent, request.room_id, version, msg.id, msg.created_at,
              body);
    if (!msg.mentions.empty())
      add_event(events, event_type::message_mentioned, request.room_id, ++version, msg.id,
                msg.created_at, mention_payload(msg));
    auto& position = read_positions[msg.sender_id];
    position = std::max(position, msg.seq);
    if (last == nullptr || msg.seq > last->seq)
      last = &msg;
    last_activity = std::max(last_activity, msg.created_at);
  }
  if (count > 0) {
    txn.exec_params("INSERT INTO room_messages (room_id, seq, message_id, sender_id, message) "
                    "SELECT $1, x.seq, x.id, x.sender_id, x.message FROM jsonb_to_recordset("
                    "$2::jsonb) AS x(seq bigint, id uuid, sender_id bigint, message jsonb)",
                    request.room_id, dump(commits));
    insert_events(txn, request.room_id, events);
    json positions = json::array();
    for (auto& [sender, seq] : read_positions)
      positions.push_back(json{{"user_id", sender}, {"seq", seq}});
    txn.exec_params("UPDATE room_members m SET read_seq = GREATEST(m.read_seq, x.seq) "
                    "FROM jsonb_to_recordset($2::jsonb) AS x(user_id bigint, seq bigint) "
                    "WHERE m.room_id = $1 AND m.user_id = x.user_id",
                    request.room_id, dump(positions));
  }
  auto row = txn.exec_params1(
      std::string{"UPDATE rooms r SET last_seq = GREATEST(r.last_seq, $2), "
                  "message_count = r.message_count + $3, version = $4, "
                  "last_activity_at = GREATEST(r.last_activity_at, "
                  "'epoch'::timestamptz + $5 * interval '1 millisecond'), "
                  "last_message = CASE WHEN $2 >= r.last_seq AND $6 <> '' THEN $6::jsonb "
                  "ELSE r.last_message END WHERE r.id = $1 RETURNING "} +
          room_columns,
      request.room_id, last != nullptr ? last->seq : 0, count, version, last_activity,
      last != nullptr ? encode_message(*last) : std::string{});
  result.room = read_room(row);
  return result;
}

} // namespace

room_claim claim(db_connection& db, int64_t room_id, const std::string& node) {
  pqxx::work txn{db.get()};
  auto rows = txn.exec_params(std::string{"UPDATE rooms r SET owner_node = $2, "
                                          "owner_epoch = r.owner_epoch + 1 WHERE r.id = $1 "
                                          "RETURNING "} +
                                  room_columns,
                              room_id, node);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "room " + std::to_string(room_id) + " does not exist");
  room_claim result;
  result.room = read_room(rows[0]);
  for (const auto& row : txn.exec_params("SELECT user_id, read_seq FROM room_members "
                                         "WHERE room_id = $1 ORDER BY user_id",
                                         room_id))
    result.members.push_back(room_member{row[0].as<int64_t>(), row[1].as<int64_t>()});
  txn.commit();
  return result;
}

std::vector<item_result<commit_result>> commit(db_connection& db,
                                               const std::vector<room_commit>& batch) {
  std::vector<item_result<commit_result>> results(batch.size());
  // Lock rooms in id order so that concurrent batches never wait on each other in a cycle.
  std::vector<size_t> order(batch.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return batch[a].room_id < batch[b].room_id; });
  pqxx::work txn{db.get()};
  std::vector<size_t> committed;
  for (auto i : order) {
    try {
      pqxx::subtransaction sub{txn, "room_commit"};
      results[i].value = commit_one(sub, batch[i]);
      sub.commit();
      committed.push_back(i);
    } catch (const store_error& e) {
      results[i].error = make_error(e.code(), e.what());
    } catch (const pqxx::broken_connection&) {
      throw;
    } catch (const pqxx::sql_error& e) {
      results[i].error = make_error(chat_errc::store_failed, e.what());
    }
  }
  fault_registry::instance().hit(fault_point::room_commit);
  txn.commit();
  return results;
}

resolution resolve(db_connection& db, int64_t room_id, const std::string& message_id, bool abort) {
  if (!is_uuid(message_id))
    throw store_error(chat_errc::invalid_input, "not a message id: " + message_id);
  pqxx::work txn{db.get()};
  resolution result;
  bool room_exists = true;
  int64_t version = 0;
  try {
    version = lock_room(txn, room_id)[0].as<int64_t>();
  } catch (const store_error&) {
    room_exists = false;
  }
  auto commit_row = txn.exec_params("SELECT message::text FROM room_messages "
                                    "WHERE message_id = $1::uuid",
                                    message_id);
  if (!commit_row.empty() && !abort) {
    result.committed = true;
  } else {
    if (!commit_row.empty()) {
      result.removed = true;
      txn.exec_params("DELETE FROM room_messages WHERE message_id = $1::uuid", message_id);
      // Events nobody can have published yet are deleted; if one may have reached Kafka
      // (published, or claimed by a relay right now) consumers get a retraction.
      txn.exec_params("DELETE FROM outbox WHERE message_id = $1::uuid AND published_at IS NULL "
                      "AND (claimed_until IS NULL OR claimed_until < now())",
                      message_id);
      txn.exec_params("DELETE FROM outbox_dead_letters WHERE message_id = $1::uuid", message_id);
      auto visible = txn.exec_params1("SELECT count(*) FROM outbox WHERE message_id = $1::uuid "
                                      "AND event_type = $2",
                                      message_id, std::string{event_type::message_sent})[0]
                         .as<int64_t>();
      bool retract = visible > 0;
      if (retract) {
        auto msg = decode_message(commit_row[0][0].as<std::string>());
        json events = json::array();
        add_event(events, event_type::message_retracted, room_id, ++version, message_id, now_ms(),
                  msg ? retraction_payload(*msg) : json{{"messageId", message_id}});
        insert_events(txn, room_id, events);
      }
      // Recompute from the remaining commits: never write back a stale copy.
      txn.exec_params("UPDATE rooms r SET last_seq = coalesce(m.max_seq, 0), "
                      "message_count = m.count, version = $2, "
                      "last_message = (SELECT message FROM room_messages "
                      "WHERE room_id = $1 ORDER BY seq DESC LIMIT 1) "
                      "FROM (SELECT max(seq) AS max_seq, count(*) AS count FROM room_messages "
                      "WHERE room_id = $1) m WHERE r.id = $1",
                      room_id, version);
    }
    txn.exec_params("INSERT INTO message_tombstones (message_id, room_id) VALUES ($1::uuid, $2) "
                    "ON CONFLICT DO NOTHING",
                    message_id, room_id);
  }
  if (room_exists)
    result.room = read_room(txn.exec_params1(
        std::string{"SELECT "} + room_columns + " FROM rooms r WHERE r.id = $1", room_id));
  txn.commit();
  return result;
}

void record_dead_letter(db_connection& db, const saga_dead_letter& letter) {
  if (!is_uuid(letter.message_id))
    throw store_error(chat_errc::invalid_input, "not a message id: " + letter.message_id);
  pqxx::work txn{db.get()};
  txn.exec_params("INSERT INTO saga_dead_letters (message_id, room_id, seq, sender_id, temp_id, "
                  "reason) VALUES ($1::uuid, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO "
                  "UPDATE SET reason = EXCLUDED.reason, resolved_at = NULL, "
                  "attempts = saga_dead_letters.attempts + 1",
                  letter.message_id, letter.room_id, letter.seq, letter.sender_id, letter.temp_id,
                  letter.reason);
  txn.commit();
}

std::vector<saga_dead_letter> dead_letters(db_connection& db, int32_t limit) {
  pqxx::read_transaction txn{db.get()};
  std::vector<saga_dead_letter> result;
  for (const auto& row : txn.exec_params(
           "SELECT message_id::text, room_id, seq, sender_id, temp_id, reason, "
           "(extract(epoch from created_at) * 1000)::bigint, attempts FROM saga_dead_letters "
           "WHERE resolved_at IS NULL ORDER BY created_at LIMIT $1",
           limit)) {
    saga_dead_letter letter;
    letter.message_id = row[0].as<std::string>();
    letter.room_id = row[1].as<int64_t>();
    letter.seq = row[2].as<int64_t>();
    letter.sender_id = row[3].as<int64_t>();
    letter.temp_id = row[4].as<std::string>();
    letter.reason = row[5].as<std::string>();
    letter.created_at = row[6].as<int64_t>();
    letter.attempts = row[7].as<int32_t>();
    result.push_back(std::move(letter));
  }
  return result;
}

bool resolve_dead_letter(db_connection& db, const std::string& message_id) {
  if (!is_uuid(message_id))
    return false;
  pqxx::work txn{db.get()};
  auto rows = txn.exec_params("UPDATE saga_dead_letters SET resolved_at = now() "
                              "WHERE message_id = $1::uuid AND resolved_at IS NULL "
                              "RETURNING message_id",
                              message_id);
  txn.commit();
  return !rows.empty();
}

room_metadata get(db_connection& db, int64_t room_id) {
  pqxx::read_transaction txn{db.get()};
  auto rows = txn.exec_params(
      std::string{"SELECT "} + room_columns + " FROM rooms r WHERE r.id = $1", room_id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "room " + std::to_string(room_id) + " does not exist");
  return read_room(rows[0]);
}

std::vector<room_member> members(db_connection& db, int64_t room_id) {
  pqxx::read_transaction txn{db.get()};
  std::vector<room_member> result;
  for (const auto& row : txn.exec_params("SELECT user_id, read_seq FROM room_members "
                                         "WHERE room_id = $1 ORDER BY user_id",
                                         room_id))
    result.push_back(room_member{row[0].as<int64_t>(), row[1].as<int64_t>()});
  return result;
}

} // namespace chat::room_queries
