#include "persistence/messages/message_rows.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db/sql_util.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/codec/message_json.hpp"

namespace chat {

const char* const message_columns =
  "m.id::text, m.room_id, m.seq, m.sender_id, m.temp_id, m.content, m.type, "
  "array_to_string(m.mentions, ','), coalesce(m.thread_id, ''), coalesce(m.reply_to, ''), "
  "coalesce(m.forwarded_from, ''), (extract(epoch from m.created_at) * 1000)::bigint, "
  "coalesce(p.state, 1), coalesce((extract(epoch from m.edited_at) * 1000)::bigint, 0), "
  "m.deleted, coalesce(m.reactions::text, ''), m.pinned, coalesce(m.url_preview::text, ''), "
  "m.version, "
  // Replies of a thread parent, counted from the thread index (committed, not deleted).
  "(SELECT count(*) FROM messages t WHERE t.thread_id = m.id::text AND NOT t.deleted "
  "AND NOT EXISTS (SELECT 1 FROM message_pending tp WHERE tp.id = t.id))";

const char* const message_from = " FROM messages m LEFT JOIN message_pending p ON p.id = m.id ";

chat_message read_message(const pqxx::row& row) {
  chat_message result;
  result.id = row[0].as<std::string>();
  result.room_id = row[1].as<int64_t>();
  result.seq = row[2].as<int64_t>();
  result.sender_id = row[3].as<int64_t>();
  result.temp_id = row[4].as<std::string>();
  result.content = row[5].as<std::string>();
  result.type = row[6].as<std::string>();
  result.mentions = parse_int_list(row[7].as<std::string>());
  result.thread_id = row[8].as<std::string>();
  result.reply_to = row[9].as<std::string>();
  if (auto text = row[10].as<std::string>(); !text.empty())
    if (auto ref = forward_ref_from_json(nlohmann::json::parse(text, nullptr, false)))
      result.forwarded_from = std::move(*ref);
  result.created_at = row[11].as<int64_t>();
  result.state = static_cast<message_state>(row[12].as<int>());
  result.edited_at = row[13].as<int64_t>();
  result.deleted = row[14].as<bool>();
  if (auto text = row[15].as<std::string>(); !text.empty())
    result.reactions = reactions_from_json(nlohmann::json::parse(text, nullptr, false));
  result.pinned = row[16].as<bool>();
  result.url_preview = row[17].as<std::string>();
  result.version = row[18].as<int64_t>();
  result.reply_count = row[19].as<int64_t>();
  return result;
}

std::vector<chat_message> read_messages(const pqxx::result& rows) {
  std::vector<chat_message> result;
  result.reserve(rows.size());
  for (const auto& row : rows)
    result.push_back(read_message(row));
  return result;
}

std::string forwarded_from_text(const forward_ref& x) {
  return x.empty() ? std::string{} : dump(to_json(x));
}

} // namespace chat
