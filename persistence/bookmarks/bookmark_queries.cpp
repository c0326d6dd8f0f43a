#include "persistence/bookmarks/bookmark_queries.hpp"

#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/store_error.hpp"
#include "protocol/uuid.hpp"

namespace chat::bookmark_queries {

bool set(db_connection& db, int64_t user_id, const std::string& message_id, int64_t room_id,
         bool add) {
  if (!is_uuid(message_id))
    throw store_error(chat_errc::not_found, "no message " + message_id);
  pqxx::work txn{db.get()};
  pqxx::result rows;
  if (add) {
    if (txn
          .exec_params("SELECT 1 FROM room_members WHERE room_id = $1 AND user_id = $2", room_id,
                       user_id)
          .empty())
      throw store_error(chat_errc::not_member, "not a member of room " + std::to_string(room_id));
    if (txn
          .exec_params("SELECT 1 FROM room_messages WHERE message_id = $1::uuid AND room_id = $2",
                       message_id, room_id)
          .empty())
      throw store_error(chat_errc::not_found, "no message " + message_id + " in this room");
    rows = txn.exec_params("INSERT INTO bookmarks (user_id, message_id, room_id) VALUES ($1, "
                           "$2::uuid, $3) ON CONFLICT DO NOTHING RETURNING user_id",
                           user_id, message_id, room_id);
  } else {
    rows = txn.exec_params("DELETE FROM bookmarks WHERE user_id = $1 AND message_id = $2::uuid "
                           "RETURNING user_id",
                           user_id, message_id);
  }
  txn.commit();
  return !rows.empty();
}

std::vector<bookmark> list(db_connection& db, int64_t user_id, int64_t room_id) {
  pqxx::read_transaction txn{db.get()};
  std::vector<bookmark> result;
  for (const auto& row : txn.exec_params(
         "SELECT b.message_id::text, b.room_id, (extract(epoch from b.created_at) * 1000)::bigint "
         "FROM bookmarks b JOIN room_members m ON m.room_id = b.room_id AND m.user_id = b.user_id "
         "WHERE b.user_id = $1 AND ($2 = 0 OR b.room_id = $2) "
         "ORDER BY b.created_at DESC, b.message_id LIMIT 1000",
         user_id, room_id))
    result.push_back(
      bookmark{row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<int64_t>()});
  return result;
}

} // namespace chat::bookmark_queries
