#include "persistence/membership/membership_queries.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/sql_util.hpp"
#include "persistence/db/store_error.hpp"
#include "persistence/rooms/room_rows.hpp"
#include "persistence/users/people_queries.hpp"

namespace chat::membership_queries {

namespace {

std::vector<user> participants_of(pqxx::transaction_base& txn, int64_t room_id) {
  std::vector<user> result;
  for (const auto& row : txn.exec_params("SELECT u.id, u.username, u.nickname FROM room_members m "
                                         "JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 "
                                         "ORDER BY u.id",
                                         room_id))
    result.push_back(
      user{row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<std::string>()});
  return result;
}

room_view view_in(pqxx::transaction_base& txn, int64_t room_id, int64_t user_id) {
  auto rows = txn.exec_params(std::string{"SELECT "} + room_columns + ", " + member_view_columns +
                                " FROM rooms r LEFT JOIN room_members m "
                                "ON m.room_id = r.id AND m.user_id = $2 WHERE r.id = $1 "
                                "AND r.deleted_at IS NULL",
                              room_id, user_id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "room " + std::to_string(room_id) + " does not exist");
  if (rows[0][room_column_count].is_null())
    throw store_error(chat_errc::not_member, "user " + std::to_string(user_id) +
                                               " is not a member of room " +
                                               std::to_string(room_id));
  room_view result;
  read_member_view(rows[0], result);
  result.viewer = user_id;
  result.participants = participants_of(txn, room_id);
  return result;
}

} // namespace

bool is_member(db_connection& db, int64_t room_id, int64_t user_id) {
  pqxx::read_transaction txn{db.get()};
  return !txn
            .exec_params("SELECT 1 FROM room_members WHERE room_id = $1 AND user_id = $2", room_id,
                         user_id)
            .empty();
}

room_view view(db_connection& db, int64_t room_id, int64_t user_id) {
  pqxx::read_transaction txn{db.get()};
  return view_in(txn, room_id, user_id);
}

room_view view(pqxx::transaction_base& txn, int64_t room_id, int64_t user_id) {
  return view_in(txn, room_id, user_id);
}

std::vector<room_participant> participants(db_connection& db, int64_t room_id) {
  pqxx::read_transaction txn{db.get()};
  return participants(txn, room_id);
}

std::vector<room_participant> participants(pqxx::transaction_base& txn, int64_t room_id) {
  std::vector<room_participant> result;
  for (const auto& row : txn.exec_params(
         "SELECT u.id, u.username, u.nickname, m.role, m.read_seq, "
         "(extract(epoch from m.joined_at) * 1000)::bigint FROM room_members m "
         "JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 ORDER BY m.joined_at, u.id",
         room_id))
    result.push_back(room_participant{
      user{row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<std::string>()},
      row[3].as<std::string>(), row[4].as<int64_t>(), row[5].as<int64_t>()});
  return result;
}

std::vector<room_view> member_views(db_connection& db, int64_t room_id) {
  pqxx::read_transaction txn{db.get()};
  auto rows = txn.exec_params(std::string{"SELECT "} + room_columns + ", " + member_view_columns +
                                ", m.user_id FROM rooms r JOIN room_members m "
                                "ON m.room_id = r.id WHERE r.id = $1 "
                                "ORDER BY m.user_id",
                              room_id);
  if (rows.empty() && txn.exec_params("SELECT 1 FROM rooms WHERE id = $1", room_id).empty())
    throw store_error(chat_errc::not_found, "room " + std::to_string(room_id) + " does not exist");
  auto participants = participants_of(txn, room_id);
  std::vector<room_view> result;
  result.reserve(rows.size());
  for (const auto& row : rows) {
    room_view entry;
    read_member_view(row, entry);
    entry.viewer = row[member_view_width].as<int64_t>();
    entry.participants = participants;
    result.push_back(std::move(entry));
  }
  return result;
}

namespace {

/// The user's rooms that pass `condition` (SQL over `rooms r`, `room_members m`; $2 is `text`,
/// $3 the limit), most recent activity first, with their participants.
std::vector<room_view> rooms_where(db_connection& db, int64_t user_id, const std::string& condition,
                                   const std::string& text, int32_t limit) {
  pqxx::read_transaction txn{db.get()};
  std::vector<room_view> result;
  std::map<int64_t, size_t> index;
  for (const auto& row :
       txn.exec_params(std::string{"SELECT "} + room_columns + ", " + member_view_columns +
                         " FROM room_members m JOIN rooms r "
                         "ON r.id = m.room_id WHERE m.user_id = $1 AND (" +
                         condition + ") ORDER BY r.last_activity_at DESC, r.id DESC LIMIT $3",
                       user_id, text, limit)) {
    room_view entry;
    read_member_view(row, entry);
    entry.viewer = user_id;
    index[entry.room.id] = result.size();
    result.push_back(std::move(entry));
  }
  if (result.empty())
    return result;
  std::vector<int64_t> ids;
  for (auto& entry : result)
    ids.push_back(entry.room.id);
  // One query for every room's participants instead of one per room.
  for (const auto& row :
       txn.exec_params("SELECT m.room_id, u.id, u.username, u.nickname FROM room_members m "
                       "JOIN users u ON u.id = m.user_id WHERE m.room_id = ANY($1::bigint[]) "
                       "ORDER BY m.room_id, u.id",
                       int_array(ids)))
    result[index[row[0].as<int64_t>()]].participants.push_back(
      user{row[1].as<int64_t>(), row[2].as<std::string>(), row[3].as<std::string>()});
  return result;
}

/// A text for LIKE that matches itself only (no wildcards of its own).
std::string like_escaped(const std::string& text) {
  std::string result;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\')
      result += '\\';
    result += c;
  }
  return result;
}

} // namespace

std::vector<room_view> rooms_of(db_connection& db, int64_t user_id) {
  // Both unused parameters stay typed so that the statement has one form.
  return rooms_where(db, user_id, "$2::text IS NOT NULL", "", 1000000);
}

std::vector<room_view> favorites(db_connection& db, int64_t user_id) {
  return rooms_where(db, user_id,
                     "$2::text IS NOT NULL AND EXISTS (SELECT 1 FROM room_favorites f "
                     "WHERE f.user_id = m.user_id AND f.room_id = r.id)",
                     "", 1000000);
}

std::vector<room_view> search(db_connection& db, int64_t user_id, const std::string& text,
                              int32_t limit) {
  return rooms_where(db, user_id,
                     "r.title ILIKE $2 OR EXISTS (SELECT 1 FROM room_members o JOIN users u ON "
                     "u.id = o.user_id WHERE o.room_id = r.id AND (u.username ILIKE $2 OR "
                     "u.nickname ILIKE $2))",
                     "%" + like_escaped(text) + "%", limit);
}

room_view mark_read(db_connection& db, int64_t room_id, int64_t user_id, int64_t seq) {
  pqxx::work txn{db.get()};
  txn.exec_params("UPDATE room_members m SET read_seq = GREATEST(m.read_seq, "
                  "CASE WHEN $3 < 0 THEN r.last_seq ELSE LEAST($3, r.last_seq) END) "
                  "FROM rooms r WHERE r.id = m.room_id AND m.room_id = $1 AND m.user_id = $2",
                  room_id, user_id, seq);
  auto result = view_in(txn, room_id, user_id);
  txn.commit();
  return result;
}

} // namespace chat::membership_queries
