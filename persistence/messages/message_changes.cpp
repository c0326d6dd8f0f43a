// Applying message changes to the messages store: the rooms store decides every change (in its
// room's version order, with its event); this copy follows it for history, search and threads.
#include "persistence/messages/message_queries.hpp"

#include <map>
#include <set>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/sql_util.hpp"
#include "persistence/faults/fault_points.hpp"
#include "persistence/messages/message_rows.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/codec/message_json.hpp"
#include "protocol/uuid.hpp"

namespace chat::message_queries {

std::vector<item_result<bool>> apply_changes(db_connection& db,
                                             const std::vector<chat_message>& batch) {
  using json = nlohmann::json;
  std::vector<item_result<bool>> results(batch.size());
  json rows = json::array();
  std::vector<std::string> ids;
  // One row per message, its latest state: an UPDATE ... FROM joining a row twice would
  // apply an arbitrary one of them.
  std::map<std::string, const chat_message*> latest;
  for (auto& msg : batch)
    if (is_uuid(msg.id))
      if (auto& slot = latest[msg.id]; slot == nullptr || slot->version < msg.version)
        slot = &msg;
  for (auto& [id, latest_state] : latest) {
    auto& msg = *latest_state;
    ids.push_back(msg.id);
    rows.push_back(json{
      {"id", msg.id},
      {"content", msg.content},
      {"mentions", msg.mentions},
      {"edited_at", msg.edited_at},
      {"deleted", msg.deleted},
      {"reactions", to_json(msg.reactions)},
      {"pinned", msg.pinned},
      {"url_preview", msg.url_preview.empty() ? json(nullptr) : json(msg.url_preview)},
      {"version", msg.version},
    });
  }
  std::set<std::string> known;
  // Not a prepared statement: a generic plan made while the table was small joins the rows
  // with a sequential scan of messages, for the connection's life.
  static const std::string apply_sql =
    "UPDATE messages m SET content = x.content, mentions = x.mentions, "
    "edited_at = CASE WHEN x.edited_at > 0 THEN 'epoch'::timestamptz + x.edited_at * "
    "interval '1 millisecond' END, deleted = x.deleted, reactions = x.reactions, "
    "pinned = x.pinned, url_preview = x.url_preview::json, version = x.version "
    "FROM json_to_recordset($1::json) AS x(id uuid, content text, mentions bigint[], "
    "edited_at bigint, deleted boolean, reactions json, pinned boolean, "
    "url_preview text, version bigint) WHERE m.id = x.id AND m.version < x.version";
  pqxx::work txn{db.get()};
  if (!ids.empty()) {
    txn.exec_params(apply_sql, dump(rows));
    for (const auto& row : txn.exec_params("SELECT id::text FROM messages WHERE id = "
                                           "ANY($1::uuid[])",
                                           uuid_array(ids)))
      known.insert(row[0].as<std::string>());
  }
  fault_registry::instance().hit(fault_point::message_apply);
  txn.commit();
  for (size_t i = 0; i < batch.size(); ++i)
    results[i].value = known.count(batch[i].id) > 0;
  return results;
}

} // namespace chat::message_queries
