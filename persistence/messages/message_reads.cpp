// Reads of the messages store besides history: one message, some messages, threads, search.
#include "persistence/messages/message_queries.hpp"

#include <algorithm>
#include <map>

#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/sql_util.hpp"
#include "persistence/db/store_error.hpp"
#include "persistence/messages/message_rows.hpp"
#include "protocol/uuid.hpp"

namespace chat::message_queries {

namespace {

/// Committed: no pending mark.
constexpr const char* committed = " p.id IS NULL ";

} // namespace

chat_message by_id(db_connection& db, const std::string& id) {
  if (!is_uuid(id))
    throw store_error(chat_errc::not_found, "no message " + id);
  pqxx::read_transaction txn{db.get()};
  auto rows = txn.exec_params(std::string{"SELECT "} + message_columns + message_from +
                                "WHERE m.id = $1::uuid AND" + committed,
                              id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "no message " + id);
  return read_message(rows[0]);
}

std::vector<chat_message> by_ids(db_connection& db, const std::vector<std::string>& ids) {
  std::vector<std::string> valid;
  for (auto& id : ids)
    if (is_uuid(id))
      valid.push_back(id);
  if (valid.empty())
    return {};
  pqxx::read_transaction txn{db.get()};
  std::map<std::string, chat_message> found;
  for (auto& msg :
       read_messages(txn.exec_params(std::string{"SELECT "} + message_columns + message_from +
                                       "WHERE m.id = ANY($1::uuid[]) AND" + committed,
                                     uuid_array(valid))))
    found.emplace(msg.id, msg);
  std::vector<chat_message> result;
  for (auto& id : valid)
    if (auto i = found.find(id); i != found.end())
      result.push_back(i->second);
  return result;
}

history_page thread_page(db_connection& db, const thread_query& query) {
  auto limit = std::clamp<int32_t>(query.limit, 1, 200);
  pqxx::read_transaction txn{db.get()};
  history_page page;
  page.messages = read_messages(txn.exec_params(
    std::string{"SELECT "} + message_columns + message_from +
      "WHERE m.thread_id = $1 AND m.seq > $2 AND" + committed + "ORDER BY m.seq LIMIT $3",
    query.parent_id, query.after_seq, limit + 1));
  if (page.messages.size() > static_cast<size_t>(limit)) {
    page.has_more = true;
    page.messages.pop_back();
  }
  return page;
}

std::vector<thread_summary> threads(db_connection& db, int64_t room_id,
                                    const std::string& parent_id, int32_t limit) {
  limit = std::clamp<int32_t>(limit, 1, 100);
  // The room's replies grouped by parent, latest reply first; then the parents.
  std::vector<thread_summary> result;
  std::vector<std::string> parents;
  {
    pqxx::read_transaction txn{db.get()};
    for (const auto& row : txn.exec_params(
           "SELECT t.thread_id, count(*), (extract(epoch from max(t.created_at)) * 1000)::bigint, "
           "array_to_string(array_agg(DISTINCT t.sender_id ORDER BY t.sender_id), ',') "
           "FROM messages t WHERE t.room_id = $1 AND t.thread_id IS NOT NULL AND NOT t.deleted "
           "AND ($3 = '' OR t.thread_id = $3) "
           "AND NOT EXISTS (SELECT 1 FROM message_pending p WHERE p.id = t.id) "
           "GROUP BY t.thread_id ORDER BY max(t.created_at) DESC, t.thread_id LIMIT $2",
           room_id, limit, parent_id)) {
      thread_summary summary;
      summary.parent.id = row[0].as<std::string>();
      summary.reply_count = row[1].as<int64_t>();
      summary.last_reply_at = row[2].as<int64_t>();
      summary.participant_ids = parse_int_list(row[3].as<std::string>());
      parents.push_back(summary.parent.id);
      result.push_back(std::move(summary));
    }
  }
  auto found = by_ids(db, parents);
  std::map<std::string, chat_message> by_parent;
  for (auto& msg : found)
    by_parent.emplace(msg.id, std::move(msg));
  std::vector<thread_summary> complete;
  for (auto& summary : result)
    if (auto i = by_parent.find(summary.parent.id); i != by_parent.end()) {
      summary.parent = i->second;
      complete.push_back(std::move(summary));
    }
  return complete;
}

std::vector<chat_message> search(db_connection& db, const search_query& query) {
  if (query.room_ids.empty() || query.text.empty())
    return {};
  auto limit = std::clamp<int32_t>(query.limit, 1, 100);
  pqxx::read_transaction txn{db.get()};
  return read_messages(txn.exec_params(
    std::string{"SELECT "} + message_columns + message_from +
      "WHERE m.room_id = ANY($1::bigint[]) AND to_tsvector('english', m.content) @@ "
      "websearch_to_tsquery('english', $2) "
      "AND NOT m.deleted AND (cardinality($4::uuid[]) = 0 OR m.id = ANY($4::uuid[])) AND" +
      committed + "ORDER BY m.created_at DESC, m.id LIMIT $3",
    int_array(query.room_ids), query.text, limit, uuid_array(query.message_ids)));
}

} // namespace chat::message_queries
