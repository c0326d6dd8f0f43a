#include "persistence/rooms/change_queries.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/sql_util.hpp"
#include "persistence/db/store_error.hpp"
#include "persistence/faults/fault_points.hpp"
#include "persistence/rooms/room_events.hpp"
#include "persistence/rooms/room_rows.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/errors.hpp"
#include "protocol/types/outbox.hpp"
#include "protocol/uuid.hpp"

namespace chat::change_queries {

namespace {

using json = nlohmann::json;

/// A message has at most this many distinct reactions, a room this many pins.
constexpr size_t max_reactions = 20;
constexpr size_t max_pins = 3;

struct room_head {
  int64_t version = 0;
  int64_t epoch = 0;
  int64_t last_seq = 0;
};

struct message_row {
  int64_t room_id = 0;
  chat_message message;
  bool dirty = false;
};

/// What the batch writes, gathered so that each kind is one statement.
struct change_rows {
  json events = json::array();
  json messages = json::array();
  // The net outcome per (message, user, reaction) and per (room, message) pin: a batch may add
  // and remove the same one several times, only the last state is written.
  std::map<std::tuple<std::string, int64_t, std::string>, std::pair<int64_t, bool>> reactions;
  std::map<std::pair<int64_t, std::string>, std::pair<int64_t, bool>> pins;
  std::vector<std::string> cleared; // deleted messages: their reactions and pins go
  json rooms = json::array();
};

bool is_admin(const std::string& role) {
  return role == "OWNER" || role == "ADMIN";
}

/// The state the transaction reads before it decides.
struct change_context {
  std::map<int64_t, room_head> heads;
  std::map<std::string, message_row> messages;
  std::map<std::pair<int64_t, int64_t>, std::string> roles;
  std::map<int64_t, std::set<std::string>> pins;
};

change_context read_context(pqxx::transaction_base& txn, const std::vector<change_batch>& batch) {
  std::vector<int64_t> room_ids;
  std::vector<int64_t> user_ids;
  std::vector<std::string> message_ids;
  for (auto& request : batch) {
    room_ids.push_back(request.room_id);
    for (auto& c : request.changes) {
      user_ids.push_back(c.user_id);
      if (is_uuid(c.message_id))
        message_ids.push_back(c.message_id);
    }
  }
  change_context ctx;
  // Rooms in id order (as room commits lock them: never a cycle), then their messages.
  for (const auto& row : txn.exec_params("SELECT id, version, owner_epoch, last_seq FROM rooms "
                                         "WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE",
                                         int_array(room_ids)))
    ctx.heads[row[0].as<int64_t>()] = {row[1].as<int64_t>(), row[2].as<int64_t>(),
                                       row[3].as<int64_t>()};
  for (const auto& row :
       txn.exec_params("SELECT message_id::text, room_id, message::text FROM room_messages "
                       "WHERE message_id = ANY($1::uuid[]) FOR UPDATE",
                       uuid_array(message_ids)))
    if (auto msg = decode_message(row[2].as<std::string>()))
      ctx.messages[row[0].as<std::string>()] = message_row{row[1].as<int64_t>(), *msg, false};
  for (const auto& row :
       txn.exec_params("SELECT room_id, user_id, role FROM room_members WHERE room_id = "
                       "ANY($1::bigint[]) AND user_id = ANY($2::bigint[])",
                       int_array(room_ids), int_array(user_ids)))
    ctx.roles[{row[0].as<int64_t>(), row[1].as<int64_t>()}] = row[2].as<std::string>();
  for (const auto& row : txn.exec_params("SELECT room_id, message_id::text FROM room_pins "
                                         "WHERE room_id = ANY($1::bigint[])",
                                         int_array(room_ids)))
    ctx.pins[row[0].as<int64_t>()].insert(row[1].as<std::string>());
  return ctx;
}

/// Applies one change to the message in memory; records what to write. Returns the error that
/// refuses it, or none; `changed` is false for a change that changes nothing.
caf::error decide(const message_change& c, int64_t room_id, change_context& ctx, message_row& row,
                  change_rows& rows, bool& changed) {
  auto& msg = row.message;
  changed = false;
  auto role_of = ctx.roles.find({room_id, c.user_id});
  auto role = role_of == ctx.roles.end() ? std::string{} : role_of->second;
  if (c.kind != change_kind::preview && role.empty())
    return make_error(chat_errc::not_member, "not a member of this room");
  auto refuse_deleted = [&] {
    return make_error(chat_errc::message_deleted, "message " + msg.id + " was deleted");
  };
  switch (c.kind) {
  case change_kind::edit:
    if (msg.deleted)
      return refuse_deleted();
    if (msg.sender_id != c.user_id)
      return make_error(chat_errc::forbidden, "only the sender edits a message");
    if (msg.content == c.text)
      return {};
    msg.content = c.text;
    msg.edited_at = c.at;
    changed = true;
    return {};
  case change_kind::remove:
    if (msg.deleted)
      return {}; // deleted already: nothing changes
    if (msg.sender_id != c.user_id && !is_admin(role))
      return make_error(chat_errc::forbidden,
                        "only the sender or the room's OWNER or ADMIN deletes a message");
    msg.content.clear();
    msg.mentions.clear();
    msg.url_preview.clear();
    msg.reactions.clear();
    msg.deleted = true;
    if (msg.pinned)
      ctx.pins[room_id].erase(msg.id);
    msg.pinned = false;
    rows.cleared.push_back(msg.id);
    changed = true;
    return {};
  case change_kind::react: {
    if (msg.deleted)
      return refuse_deleted();
    auto entry = std::find_if(msg.reactions.begin(), msg.reactions.end(),
                              [&](const reaction_users& r) { return r.reaction == c.text; });
    if (entry == msg.reactions.end()) {
      if (msg.reactions.size() >= max_reactions)
        return make_error(chat_errc::reaction_limit, "a message has at most " +
                                                       std::to_string(max_reactions) +
                                                       " distinct reactions");
      msg.reactions.push_back(reaction_users{c.text, {}});
      entry = std::prev(msg.reactions.end());
    }
    auto& users = entry->user_ids;
    if (std::binary_search(users.begin(), users.end(), c.user_id))
      return {}; // reacted so already
    users.insert(std::upper_bound(users.begin(), users.end(), c.user_id), c.user_id);
    rows.reactions[{msg.id, c.user_id, c.text}] = {room_id, true};
    changed = true;
    return {};
  }
  case change_kind::unreact: {
    auto entry = std::find_if(msg.reactions.begin(), msg.reactions.end(),
                              [&](const reaction_users& r) { return r.reaction == c.text; });
    if (entry == msg.reactions.end())
      return {};
    auto& users = entry->user_ids;
    auto user = std::lower_bound(users.begin(), users.end(), c.user_id);
    if (user == users.end() || *user != c.user_id)
      return {};
    users.erase(user);
    if (users.empty())
      msg.reactions.erase(entry);
    rows.reactions[{msg.id, c.user_id, c.text}] = {room_id, false};
    changed = true;
    return {};
  }
  case change_kind::pin: {
    if (!is_admin(role))
      return make_error(chat_errc::forbidden, "only the room's OWNER or ADMIN pins messages");
    if (msg.deleted)
      return refuse_deleted();
    if (msg.pinned)
      return {};
    auto& pinned = ctx.pins[room_id];
    if (pinned.size() >= max_pins)
      return make_error(chat_errc::pin_limit,
                        "a room has at most " + std::to_string(max_pins) + " pins");
    pinned.insert(msg.id);
    msg.pinned = true;
    rows.pins[{room_id, msg.id}] = {c.user_id, true};
    changed = true;
    return {};
  }
  case change_kind::unpin:
    if (!is_admin(role))
      return make_error(chat_errc::forbidden, "only the room's OWNER or ADMIN unpins messages");
    if (!msg.pinned)
      return {};
    ctx.pins[room_id].erase(msg.id);
    msg.pinned = false;
    rows.pins[{room_id, msg.id}] = {c.user_id, false};
    changed = true;
    return {};
  case change_kind::preview:
    if (msg.deleted || msg.url_preview == c.text)
      return {};
    msg.url_preview = c.text;
    changed = true;
    return {};
  }
  return make_error(chat_errc::invalid_input, "unknown change");
}

/// The payload of a change's event.
std::string payload_of(const message_change& c, const chat_message& msg) {
  switch (c.kind) {
  case change_kind::react:
  case change_kind::unreact:
    return dump(json{{"messageId", msg.id}, {"userId", c.user_id}, {"reaction", c.text}});
  case change_kind::pin:
  case change_kind::unpin:
    return dump(json{{"messageId", msg.id}, {"userId", c.user_id}});
  default:
    return encode_message(msg);
  }
}

void write(pqxx::transaction_base& txn, const change_rows& rows) {
  auto run = [&](const json& list, const char* sql) {
    if (!list.empty())
      txn.exec_params(sql, dump(list));
  };
  json reactions_added = json::array();
  json reactions_removed = json::array();
  for (auto& [key, state] : rows.reactions) {
    auto& [message_id, user_id, reaction] = key;
    json row{{"message_id", message_id}, {"user_id", user_id}, {"reaction", reaction}};
    if (state.second) {
      row["room_id"] = state.first;
      reactions_added.push_back(std::move(row));
    } else {
      reactions_removed.push_back(std::move(row));
    }
  }
  json pins_added = json::array();
  json pins_removed = json::array();
  for (auto& [key, state] : rows.pins) {
    json row{{"room_id", key.first}, {"message_id", key.second}};
    if (state.second) {
      row["pinned_by"] = state.first;
      pins_added.push_back(std::move(row));
    } else {
      pins_removed.push_back(std::move(row));
    }
  }
  run(rows.messages, "UPDATE room_messages rm SET message = x.message, deleted = x.deleted "
                     "FROM json_to_recordset($1::json) AS x(id uuid, message json, "
                     "deleted boolean) WHERE rm.message_id = x.id");
  // Changes not yet in the messages store: the latest state per message.
  run(rows.messages,
      "INSERT INTO message_applies (message_id, room_id, version, message) "
      "SELECT x.id, x.room_id, x.version, x.message FROM json_to_recordset($1::json) "
      "AS x(id uuid, room_id bigint, version bigint, message json) "
      "ON CONFLICT (message_id) DO UPDATE SET version = EXCLUDED.version, "
      "message = EXCLUDED.message, created_at = now() "
      "WHERE message_applies.version < EXCLUDED.version");
  run(reactions_added,
      "INSERT INTO message_reactions (message_id, room_id, user_id, reaction) "
      "SELECT x.message_id, x.room_id, x.user_id, x.reaction FROM json_to_recordset($1::json) "
      "AS x(message_id uuid, room_id bigint, user_id bigint, reaction text) "
      "ON CONFLICT DO NOTHING");
  run(reactions_removed,
      "DELETE FROM message_reactions r USING json_to_recordset($1::json) AS "
      "x(message_id uuid, user_id bigint, reaction text) WHERE r.message_id = x.message_id "
      "AND r.user_id = x.user_id AND r.reaction = x.reaction");
  run(pins_added, "INSERT INTO room_pins (room_id, message_id, pinned_by) SELECT x.room_id, "
                  "x.message_id, x.pinned_by FROM json_to_recordset($1::json) AS "
                  "x(room_id bigint, message_id uuid, pinned_by bigint) "
                  "ON CONFLICT DO NOTHING");
  run(pins_removed, "DELETE FROM room_pins p USING json_to_recordset($1::json) AS "
                    "x(room_id bigint, message_id uuid) WHERE p.room_id = x.room_id AND "
                    "p.message_id = x.message_id");
  if (!rows.cleared.empty()) {
    auto ids = uuid_array(rows.cleared);
    txn.exec_params("DELETE FROM message_reactions WHERE message_id = ANY($1::uuid[])", ids);
    txn.exec_params("DELETE FROM room_pins WHERE message_id = ANY($1::uuid[])", ids);
    // A deleted message's content is gone from what is not published yet too: the events
    // that carry the message (a MessageSent takes its payload from room_messages).
    txn.exec_params("UPDATE outbox o SET payload = rm.message::text FROM room_messages rm "
                    "WHERE o.message_id = rm.message_id AND rm.message_id = ANY($1::uuid[]) "
                    "AND o.payload IS NOT NULL AND o.event_type IN ('MessageEdited', "
                    "'MessageDeleted', 'MessagePreviewed')",
                    ids);
    txn.exec_params("UPDATE outbox_dead_letters d SET value = (d.value::jsonb || "
                    "jsonb_build_object('payload', rm.message::jsonb))::text FROM room_messages "
                    "rm WHERE d.message_id = rm.message_id AND rm.message_id = ANY($1::uuid[]) "
                    "AND d.event_type IN ('MessageSent', 'MessageEdited', 'MessagePreviewed')",
                    ids);
  }
  if (!rows.events.empty())
    insert_events(txn, rows.events);
}

} // namespace

std::vector<item_result<change_result>> decide(pqxx::transaction_base& txn,
                                               const std::vector<change_batch>& batch) {
  std::vector<item_result<change_result>> results(batch.size());
  auto ctx = read_context(txn, batch);
  change_rows rows;
  std::vector<size_t> written;
  for (size_t i = 0; i < batch.size(); ++i) {
    auto& request = batch[i];
    auto head = ctx.heads.find(request.room_id);
    if (head == ctx.heads.end()) {
      results[i].error = make_error(chat_errc::not_found,
                                    "room " + std::to_string(request.room_id) + " does not exist");
      continue;
    }
    if (head->second.epoch != request.epoch) {
      results[i].error = make_error(chat_errc::fenced, "room " + std::to_string(request.room_id) +
                                                         " is owned under another epoch");
      continue;
    }
    auto& result = results[i].value;
    auto version = head->second.version;
    std::optional<chat_message> last;
    for (auto& c : request.changes) {
      auto found = ctx.messages.find(c.message_id);
      if (found == ctx.messages.end() || found->second.room_id != request.room_id) {
        result.outcomes.push_back(change_outcome{c.kind, {}, 0});
        result.errors.push_back(
          make_error(chat_errc::not_found, "no message " + c.message_id + " in this room"));
        continue;
      }
      auto& row = found->second;
      bool changed = false;
      bool was_pinned = row.message.pinned;
      auto err = decide(c, request.room_id, ctx, row, rows, changed);
      if (err) {
        result.outcomes.push_back(change_outcome{c.kind, row.message, 0});
        result.errors.push_back(err);
        continue;
      }
      if (changed) {
        row.message.version = ++version;
        row.dirty = true;
        add_event(rows.events, event_type_of(c.kind), request.room_id, version, row.message.id,
                  c.at, payload_of(c, row.message));
        if (row.message.seq == head->second.last_seq)
          last = row.message;
      }
      result.outcomes.push_back(change_outcome{c.kind, row.message, changed ? version : 0,
                                               changed && was_pinned != row.message.pinned});
      result.errors.push_back({});
    }
    if (version != head->second.version) {
      head->second.version = version;
      rows.rooms.push_back(json{{"room_id", request.room_id},
                                {"version", version},
                                {"last", last ? to_json(*last) : json(nullptr)}});
    }
    written.push_back(i);
  }
  for (auto& [id, row] : ctx.messages)
    if (row.dirty)
      rows.messages.push_back(json{{"id", id},
                                   {"room_id", row.room_id},
                                   {"version", row.message.version},
                                   {"deleted", row.message.deleted},
                                   {"message", to_json(row.message)}});
  write(txn, rows);
  std::map<int64_t, room_metadata> updated;
  if (!rows.rooms.empty())
    for (const auto& row : txn.exec_params(
           std::string{"UPDATE rooms r SET version = x.version, last_message = "
                       "coalesce(x.last, r.last_message) FROM json_to_recordset($1::json) AS "
                       "x(room_id bigint, version bigint, last json) WHERE r.id = x.room_id "
                       "RETURNING "} +
             room_columns,
           dump(rows.rooms))) {
      auto meta = read_room(row);
      updated.emplace(meta.id, std::move(meta));
    }
  for (auto i : written) {
    auto id = batch[i].room_id;
    results[i].value.room = updated.count(id) > 0 ? updated[id] : read_room_by_id(txn, id);
  }
  fault_registry::instance().hit(fault_point::room_change);
  return results;
}

std::vector<item_result<change_result>> change(db_connection& db,
                                               const std::vector<change_batch>& batch) {
  pqxx::work txn{db.get()};
  auto results = decide(txn, batch);
  txn.commit();
  return results;
}

std::vector<chat_message> pending_applies(db_connection& db, std::chrono::milliseconds min_age,
                                          int32_t limit) {
  pqxx::read_transaction txn{db.get()};
  std::vector<chat_message> result;
  for (const auto& row :
       txn.exec_params("SELECT message::text FROM message_applies WHERE created_at < now() - "
                       "$1 * interval '1 millisecond' ORDER BY created_at LIMIT $2",
                       static_cast<int64_t>(min_age.count()), limit))
    if (auto msg = decode_message(row[0].as<std::string>()))
      result.push_back(std::move(*msg));
  return result;
}

std::vector<item_result<bool>> applied(db_connection& db, const std::vector<applied_marks>& batch) {
  std::vector<item_result<bool>> results(batch.size());
  json rows = json::array();
  for (size_t k = 0; k < batch.size(); ++k) {
    auto& marks = batch[k];
    for (size_t i = 0; i < marks.ids.size() && i < marks.versions.size(); ++i)
      if (is_uuid(marks.ids[i]))
        rows.push_back(json{{"id", marks.ids[i]}, {"version", marks.versions[i]}});
    results[k].value = true;
  }
  if (rows.empty())
    return results;
  pqxx::work txn{db.get()};
  txn.exec_params("DELETE FROM message_applies a USING json_to_recordset($1::json) AS "
                  "x(id uuid, version bigint) WHERE a.message_id = x.id AND a.version <= x.version",
                  dump(rows));
  txn.commit();
  return results;
}

std::vector<room_pin> pins(db_connection& db, int64_t room_id) {
  pqxx::read_transaction txn{db.get()};
  std::vector<room_pin> result;
  for (const auto& row : txn.exec_params(
         "SELECT message_id::text, pinned_by, (extract(epoch from pinned_at) * 1000)::bigint "
         "FROM room_pins WHERE room_id = $1 ORDER BY pinned_at DESC, message_id",
         room_id))
    result.push_back(
      room_pin{row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<int64_t>()});
  return result;
}

} // namespace chat::change_queries
