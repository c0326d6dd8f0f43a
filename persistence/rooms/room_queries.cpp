#include "persistence/rooms/room_queries.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/sql_util.hpp"
#include "persistence/db/store_error.hpp"
#include "persistence/faults/fault_points.hpp"
#include "persistence/rooms/change_queries.hpp"
#include "persistence/rooms/room_events.hpp"
#include "persistence/rooms/room_rows.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/event_json.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/types/outbox.hpp"
#include "protocol/uuid.hpp"

namespace chat::room_queries {

namespace {

using json = nlohmann::json;

/// What a batch of room commits writes, gathered in C++ so that it is one statement.
struct commit_rows {
  json commits = json::array();
  json events = json::array();
  json reads = json::array();
  json rooms = json::array();
};

/// Adds one room's commit to `rows`, its events numbered from `version` + 1, and fills its
/// result except the room row.
void gather(const room_commit& request, int64_t version, const std::set<std::string>& rejected,
            const std::map<std::string, std::string>& invalid, commit_rows& rows,
            commit_result& result) {
  result.versions.resize(request.messages.size(), 0);
  std::map<int64_t, int64_t> read_positions; // sender -> highest seq in this batch
  std::optional<chat_message> last;
  int64_t count = 0;
  int64_t last_activity = 0;
  for (size_t i = 0; i < request.messages.size(); ++i) {
    auto msg = request.messages[i];
    if (rejected.count(msg.id) > 0) {
      result.rejected.push_back(msg.id);
      continue;
    }
    if (auto bad = invalid.find(msg.id); bad != invalid.end()) {
      result.invalid.push_back(msg.id);
      result.invalid_reasons.push_back(bad->second);
      continue;
    }
    ++count;
    // The stored message object is the message as it now is: with its version.
    msg.version = ++version;
    result.versions[i] = msg.version;
    rows.commits.push_back(json{{"room_id", request.room_id},
                                {"seq", msg.seq},
                                {"id", msg.id},
                                {"sender_id", msg.sender_id},
                                {"message", to_json(msg)}});
    add_event(rows.events, event_type::message_sent, request.room_id, version, msg.id,
              msg.created_at, {});
    if (!msg.mentions.empty())
      add_event(rows.events, event_type::message_mentioned, request.room_id, ++version, msg.id,
                msg.created_at, dump(mention_payload(msg)));
    auto& position = read_positions[msg.sender_id];
    position = std::max(position, msg.seq);
    if (!last || msg.seq > last->seq)
      last = msg;
    last_activity = std::max(last_activity, msg.created_at);
  }
  if (count == 0)
    return;
  for (auto& [sender, seq] : read_positions)
    rows.reads.push_back(json{{"room_id", request.room_id}, {"user_id", sender}, {"seq", seq}});
  rows.rooms.push_back(json{{"room_id", request.room_id},
                            {"last_seq", last->seq},
                            {"count", count},
                            {"version", version},
                            {"last_activity", last_activity},
                            {"last_message", to_json(*last)}});
}

} // namespace

std::vector<item_result<room_claim>> claim(db_connection& db,
                                           const std::vector<claim_request>& batch) {
  std::vector<item_result<room_claim>> results(batch.size());
  pqxx::work txn{db.get()};
  // A room claimed twice in one batch gets two epochs: one round per repetition.
  std::vector<size_t> pending(batch.size());
  for (size_t i = 0; i < batch.size(); ++i)
    pending[i] = i;
  std::map<int64_t, room_metadata> claimed;
  while (!pending.empty()) {
    std::set<int64_t> seen;
    std::vector<size_t> round;
    std::vector<size_t> later;
    json requests = json::array();
    std::vector<int64_t> ids;
    for (auto i : pending) {
      if (!seen.insert(batch[i].room_id).second) {
        later.push_back(i);
        continue;
      }
      round.push_back(i);
      ids.push_back(batch[i].room_id);
      requests.push_back(json{{"room_id", batch[i].room_id}, {"node", batch[i].node}});
    }
    // Lock in id order first, like room commits do, so that the two never deadlock.
    txn.exec_params("SELECT id FROM rooms WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE",
                    int_array(ids));
    std::map<int64_t, room_metadata> updated;
    for (const auto& row : txn.exec_params(
           std::string{"UPDATE rooms r SET owner_node = x.node, owner_epoch = r.owner_epoch + 1 "
                       "FROM json_to_recordset($1::json) AS x(room_id bigint, node text) "
                       "WHERE r.id = x.room_id RETURNING "} +
             room_columns,
           dump(requests))) {
      auto meta = read_room(row);
      updated.emplace(meta.id, std::move(meta));
    }
    for (auto i : round) {
      auto j = updated.find(batch[i].room_id);
      if (j == updated.end())
        results[i].error = make_error(
          chat_errc::not_found, "room " + std::to_string(batch[i].room_id) + " does not exist");
      else
        results[i].value.room = j->second;
    }
    pending = std::move(later);
  }
  std::vector<int64_t> ids;
  for (auto& request : batch)
    ids.push_back(request.room_id);
  std::map<int64_t, std::vector<room_member>> members;
  for (const auto& row :
       txn.exec_params(std::string{"SELECT m.room_id, m.user_id, m.read_seq, "} + unread_column +
                         ", u.status FROM room_members m JOIN rooms r ON r.id = m.room_id "
                         "JOIN users u ON u.id = m.user_id WHERE m.room_id = ANY($1::bigint[]) "
                         "ORDER BY m.room_id, m.user_id",
                       int_array(ids)))
    members[row[0].as<int64_t>()].push_back(room_member{
      row[1].as<int64_t>(), row[2].as<int64_t>(), row[3].as<int64_t>(), row[4].as<std::string>()});
  txn.commit();
  for (size_t i = 0; i < batch.size(); ++i)
    if (!results[i].error)
      results[i].value.members = members[batch[i].room_id];
  return results;
}

namespace {

/// Step 3 of a batch of room commits: everything in one statement.
const std::string commit_rooms_sql =
  std::string{"WITH commits AS (INSERT INTO room_messages (room_id, seq, message_id, sender_id, "
              "message) SELECT x.room_id, x.seq, x.id, x.sender_id, x.message "
              "FROM json_to_recordset($1::json) AS x(room_id bigint, seq bigint, id uuid, "
              "sender_id bigint, message json)), "
              "events AS (INSERT INTO outbox (event_id, event_type, room_id, version, "
              "message_id, payload, occurred_at) SELECT x.event_id, x.event_type, x.room_id, "
              "x.version, x.message_id, x.payload, "
              "'epoch'::timestamptz + x.occurred_at * interval '1 millisecond' "
              "FROM json_to_recordset($2::json) AS x(event_id uuid, event_type text, "
              "room_id bigint, version bigint, message_id uuid, payload text, "
              "occurred_at bigint)), "
              "reads AS (UPDATE room_members m SET read_seq = GREATEST(m.read_seq, x.seq) "
              "FROM json_to_recordset($3::json) AS x(room_id bigint, user_id bigint, seq bigint) "
              "WHERE m.room_id = x.room_id AND m.user_id = x.user_id) "
              "UPDATE rooms r SET last_seq = GREATEST(r.last_seq, x.last_seq), "
              "message_count = r.message_count + x.count, version = x.version, "
              "last_activity_at = GREATEST(r.last_activity_at, "
              "'epoch'::timestamptz + x.last_activity * interval '1 millisecond'), "
              "last_message = CASE WHEN x.last_seq >= r.last_seq THEN x.last_message "
              "ELSE r.last_message END "
              "FROM json_to_recordset($4::json) AS x(room_id bigint, last_seq bigint, "
              "count bigint, version bigint, last_activity bigint, last_message json) "
              "WHERE r.id = x.room_id RETURNING "} +
  room_columns;

} // namespace

namespace {

/// Messages of a batch whose threadId or replyTo names no message of their room -> why.
std::map<std::string, std::string> check_references(pqxx::transaction_base& txn,
                                                    const std::vector<room_commit>& batch) {
  std::map<std::string, std::string> invalid;
  std::vector<std::string> targets;
  for (auto& request : batch)
    for (auto& msg : request.messages)
      for (auto* target : {&msg.thread_id, &msg.reply_to})
        if (!target->empty()) {
          if (is_uuid(*target))
            targets.push_back(*target);
          else
            invalid[msg.id] = "not a message id: " + *target;
        }
  if (targets.empty())
    return invalid;
  struct target_row {
    int64_t room_id;
    bool is_reply;
  };
  std::map<std::string, target_row> found;
  for (const auto& row : txn.exec_params("SELECT message_id::text, room_id, "
                                         "(message->>'threadId') IS NOT NULL FROM room_messages "
                                         "WHERE message_id = ANY($1::uuid[])",
                                         uuid_array(targets)))
    found[row[0].as<std::string>()] = {row[1].as<int64_t>(), row[2].as<bool>()};
  for (auto& request : batch)
    for (auto& msg : request.messages) {
      if (invalid.count(msg.id) > 0)
        continue;
      if (!msg.thread_id.empty()) {
        auto i = found.find(msg.thread_id);
        if (i == found.end() || i->second.room_id != request.room_id)
          invalid[msg.id] = "threadId " + msg.thread_id + " is no message of this room";
        else if (i->second.is_reply)
          invalid[msg.id] = "threadId " + msg.thread_id + " is a reply itself";
      }
      if (!msg.reply_to.empty() && invalid.count(msg.id) == 0) {
        auto i = found.find(msg.reply_to);
        if (i == found.end() || i->second.room_id != request.room_id)
          invalid[msg.id] = "replyTo " + msg.reply_to + " is no message of this room";
      }
    }
  return invalid;
}

/// Of these DIRECT rooms, those whose two members blocked one another: nothing is sent there.
std::set<int64_t> blocked_direct_rooms(pqxx::transaction_base& txn,
                                       const std::vector<int64_t>& room_ids) {
  std::set<int64_t> blocked;
  for (const auto& row : txn.exec_params(
         "SELECT r.id FROM rooms r WHERE r.id = ANY($1::bigint[]) AND EXISTS (SELECT 1 FROM "
         "room_members a JOIN room_members b ON b.room_id = a.room_id "
         "AND b.user_id <> a.user_id JOIN user_blocks k ON k.blocker_id = a.user_id AND "
         "k.blocked_id = b.user_id WHERE a.room_id = r.id)",
         int_array(room_ids)))
    blocked.insert(row[0].as<int64_t>());
  return blocked;
}

} // namespace

std::vector<item_result<commit_result>> commit(db_connection& db,
                                               const std::vector<room_commit>& batch) {
  std::vector<item_result<commit_result>> results(batch.size());
  std::vector<int64_t> room_ids;
  std::vector<std::string> message_ids;
  for (auto& request : batch) {
    room_ids.push_back(request.room_id);
    for (auto& msg : request.messages)
      if (is_uuid(msg.id))
        message_ids.push_back(msg.id);
  }
  db.prepare("lock_rooms", "SELECT r.id, r.version, r.owner_epoch, r.type = 'DIRECT' FROM rooms r "
                           "WHERE r.id = ANY($1::bigint[]) ORDER BY r.id FOR UPDATE");
  db.prepare("tombstones", "SELECT message_id::text FROM message_tombstones "
                           "WHERE message_id = ANY($1::uuid[])");
  db.prepare("commit_rooms", commit_rooms_sql);
  pqxx::work txn{db.get()};
  // 1. Lock every room of the batch (in id order, so that concurrent batches never wait on
  //    each other in a cycle) and read its fence.
  std::map<int64_t, std::pair<int64_t, int64_t>> heads; // room -> (version, epoch)
  std::vector<int64_t> direct_rooms;
  for (const auto& row : txn.exec_prepared("lock_rooms", int_array(room_ids))) {
    heads[row[0].as<int64_t>()] = {row[1].as<int64_t>(), row[2].as<int64_t>()};
    if (row[3].as<bool>())
      direct_rooms.push_back(row[0].as<int64_t>());
  }
  // 2. Messages aborted by compensation or recovery must never be committed afterwards.
  std::set<std::string> rejected;
  for (const auto& row : txn.exec_prepared("tombstones", uuid_array(message_ids)))
    rejected.insert(row[0].as<std::string>());
  for (auto& request : batch)
    for (auto& msg : request.messages)
      if (!is_uuid(msg.id))
        rejected.insert(msg.id);
  // 3. A thread reply's parent and a reply's target must be messages of the same room (a
  //    parent is no reply itself).
  auto invalid = check_references(txn, batch);
  std::set<std::string> blocked;
  // Only batches with DIRECT rooms pay for the block check.
  if (auto rooms =
        direct_rooms.empty() ? std::set<int64_t>{} : blocked_direct_rooms(txn, direct_rooms);
      !rooms.empty())
    for (auto& request : batch)
      if (rooms.count(request.room_id) > 0)
        for (auto& msg : request.messages) {
          invalid[msg.id] = "one of the two members of this DIRECT room blocked the other";
          blocked.insert(msg.id);
        }
  // 4. Everything else in one statement.
  commit_rows rows;
  std::vector<size_t> written;
  for (size_t i = 0; i < batch.size(); ++i) {
    auto& request = batch[i];
    auto head = heads.find(request.room_id);
    if (head == heads.end()) {
      results[i].error = make_error(chat_errc::not_found,
                                    "room " + std::to_string(request.room_id) + " does not exist");
      continue;
    }
    auto [version, epoch] = head->second;
    if (epoch != request.epoch) {
      results[i].error = make_error(
        chat_errc::fenced, "room " + std::to_string(request.room_id) + " is owned under epoch " +
                             std::to_string(epoch) + ", not " + std::to_string(request.epoch));
      continue;
    }
    gather(request, version, rejected, invalid, rows, results[i].value);
    for (auto& msg : request.messages)
      if (blocked.count(msg.id) > 0)
        results[i].value.blocked.push_back(msg.id);
    written.push_back(i);
  }
  std::map<int64_t, room_metadata> updated;
  if (!rows.rooms.empty()) {
    auto room_rows = txn.exec_prepared("commit_rooms", dump(rows.commits), dump(rows.events),
                                       dump(rows.reads), dump(rows.rooms));
    for (const auto& row : room_rows) {
      auto meta = read_room(row);
      updated.emplace(meta.id, std::move(meta));
    }
  }
  // 5. The rooms' waiting changes of existing messages, after their messages (in the room's
  //    version order), under the locks already held.
  std::vector<change_batch> changes;
  std::vector<size_t> changed;
  for (auto i : written)
    if (!batch[i].changes.empty()) {
      changes.push_back(change_batch{batch[i].room_id, batch[i].epoch, batch[i].changes});
      changed.push_back(i);
    }
  if (!changes.empty()) {
    auto decided = change_queries::decide(txn, changes);
    for (size_t k = 0; k < changed.size(); ++k) {
      auto& result = results[changed[k]].value;
      // Written rooms exist under the request's epoch: the decision cannot refuse the batch.
      result.changes = std::move(decided[k].value);
      updated[batch[changed[k]].room_id] = result.changes.room;
    }
  }
  for (auto i : written) {
    auto id = batch[i].room_id;
    if (updated.count(id) == 0) // nothing of this room was written (all rejected)
      updated.emplace(id, read_room_by_id(txn, id));
    results[i].value.room = updated[id];
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
    version = lock_room(txn, room_id).first;
  } catch (const store_error&) {
    room_exists = false;
  }
  auto commit_row = txn.exec_params("SELECT message::text FROM room_messages "
                                    "WHERE message_id = $1::uuid",
                                    message_id);
  if (!commit_row.empty())
    if (auto stored = decode_message(commit_row[0][0].as<std::string>()))
      result.version = stored->version;
  if (!commit_row.empty() && !abort) {
    result.committed = true;
  } else {
    if (!commit_row.empty()) {
      result.removed = true;
      txn.exec_params("DELETE FROM room_messages WHERE message_id = $1::uuid", message_id);
      // Events still in the outbox were never published: delete them. (A relay publishing
      // them right now holds their row locks: this waits for its outcome.) If the
      // MessageSent is no longer in the outbox, Kafka has it: consumers get a retraction.
      bool sent_unpublished = false;
      for (auto* sql : {"DELETE FROM outbox WHERE message_id = $1::uuid RETURNING event_type",
                        "DELETE FROM outbox_dead_letters WHERE message_id = $1::uuid "
                        "RETURNING event_type"})
        for (const auto& row : txn.exec_params(sql, message_id))
          if (row[0].as<std::string>() == event_type::message_sent)
            sent_unpublished = true;
      if (!sent_unpublished) {
        auto msg = decode_message(commit_row[0][0].as<std::string>());
        json events = json::array();
        add_event(events, event_type::message_retracted, room_id, ++version, message_id, now_ms(),
                  dump(msg ? retraction_payload(*msg) : json{{"messageId", message_id}}));
        insert_events(txn, events);
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
    result.room = read_room_by_id(txn, room_id);
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
  return read_room_by_id(txn, room_id);
}

std::vector<room_member> members(db_connection& db, int64_t room_id) {
  pqxx::read_transaction txn{db.get()};
  std::vector<room_member> result;
  for (const auto& row :
       txn.exec_params(std::string{"SELECT m.user_id, m.read_seq, "} + unread_column +
                         ", u.status FROM room_members m JOIN rooms r ON r.id = m.room_id "
                         "JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 ORDER BY m.user_id",
                       room_id))
    result.push_back(room_member{row[0].as<int64_t>(), row[1].as<int64_t>(), row[2].as<int64_t>(),
                                 row[3].as<std::string>()});
  return result;
}

outbox_stats outbox_counts(db_connection& db) {
  pqxx::read_transaction txn{db.get()};
  outbox_stats result;
  result.backlog = txn.exec1("SELECT count(*) FROM outbox")[0].as<int64_t>();
  result.dead = txn.exec1("SELECT count(*) FROM outbox_dead_letters")[0].as<int64_t>();
  return result;
}

} // namespace chat::room_queries
