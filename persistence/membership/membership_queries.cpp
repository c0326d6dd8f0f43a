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
                                "ON m.room_id = r.id AND m.user_id = $2 WHERE r.id = $1",
                              room_id, user_id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "room " + std::to_string(room_id) + " does not exist");
  if (rows[0][11].is_null())
    throw store_error(chat_errc::not_member, "user " + std::to_string(user_id) +
                                               " is not a member of room " +
                                               std::to_string(room_id));
  room_view result;
  read_member_view(rows[0], result);
  result.viewer = user_id;
  result.participants = participants_of(txn, room_id);
  return result;
}

void check_users_exist(pqxx::transaction_base& txn, const std::vector<int64_t>& users) {
  std::set<int64_t> wanted(users.begin(), users.end());
  auto rows = txn.exec_params("SELECT count(*) FROM users WHERE id = ANY($1::bigint[])",
                              int_array({wanted.begin(), wanted.end()}));
  if (rows[0][0].as<size_t>() != wanted.size())
    throw store_error(chat_errc::not_found, "unknown user among participants");
}

void insert_members(pqxx::transaction_base& txn, int64_t room_id,
                    const std::vector<int64_t>& users) {
  txn.exec_params("INSERT INTO room_members (room_id, user_id) "
                  "SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
                  room_id, int_array(users));
}

} // namespace

room_view create_room(db_connection& db, const std::string& title, const std::string& type,
                      int64_t creator, const std::vector<int64_t>& participants) {
  if (type != "GROUP" && type != "DIRECT")
    throw store_error(chat_errc::invalid_input, "type must be GROUP or DIRECT");
  std::vector<int64_t> members{creator};
  for (auto id : participants)
    if (std::find(members.begin(), members.end(), id) == members.end())
      members.push_back(id);
  if (type == "DIRECT" && members.size() != 2)
    throw store_error(chat_errc::invalid_input, "a DIRECT room has exactly two participants");
  pqxx::work txn{db.get()};
  check_users_exist(txn, members);
  if (type == "DIRECT" && people_queries::blocked_between(txn, members[0], members[1]))
    throw store_error(chat_errc::blocked, "one of you blocked the other");
  auto id = txn
              .exec_params1("INSERT INTO rooms (title, type, created_by) VALUES ($1, $2, $3) "
                            "RETURNING id",
                            title, type, creator)[0]
              .as<int64_t>();
  insert_members(txn, id, members);
  // The creator owns the room.
  txn.exec_params("UPDATE room_members SET role = 'OWNER' WHERE room_id = $1 AND user_id = $2", id,
                  creator);
  auto result = view_in(txn, id, creator);
  txn.commit();
  return result;
}

void add_members(db_connection& db, int64_t room_id, const std::vector<int64_t>& users) {
  pqxx::work txn{db.get()};
  if (txn.exec_params("SELECT 1 FROM rooms WHERE id = $1", room_id).empty())
    throw store_error(chat_errc::not_found, "room " + std::to_string(room_id) + " does not exist");
  check_users_exist(txn, users);
  insert_members(txn, room_id, users);
  txn.commit();
}

bool remove_member(db_connection& db, int64_t room_id, int64_t user_id) {
  pqxx::work txn{db.get()};
  auto rows = txn.exec_params("DELETE FROM room_members WHERE room_id = $1 AND user_id = $2 "
                              "RETURNING user_id",
                              room_id, user_id);
  txn.commit();
  return !rows.empty();
}

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

std::vector<room_participant> participants(db_connection& db, int64_t room_id) {
  pqxx::read_transaction txn{db.get()};
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
    entry.viewer = row[15].as<int64_t>();
    entry.participants = participants;
    result.push_back(std::move(entry));
  }
  return result;
}

std::vector<room_view> rooms_of(db_connection& db, int64_t user_id) {
  pqxx::read_transaction txn{db.get()};
  std::vector<room_view> result;
  std::map<int64_t, size_t> index;
  for (const auto& row :
       txn.exec_params(std::string{"SELECT "} + room_columns + ", " + member_view_columns +
                         " FROM room_members m JOIN rooms r "
                         "ON r.id = m.room_id WHERE m.user_id = $1 "
                         "ORDER BY r.last_activity_at DESC, r.id DESC",
                       user_id)) {
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
