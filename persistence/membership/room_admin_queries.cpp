#include "persistence/membership/room_admin_queries.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db/connection.hpp"
#include "persistence/db/sql_util.hpp"
#include "persistence/db/store_error.hpp"
#include "persistence/membership/membership_queries.hpp"
#include "persistence/rooms/room_events.hpp"
#include "persistence/rooms/room_rows.hpp"
#include "persistence/users/people_queries.hpp"
#include "protocol/clock.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/codec/room_json.hpp"
#include "protocol/types/outbox.hpp"

namespace chat::room_admin_queries {

namespace {

using json = nlohmann::json;

bool is_admin(const std::string& role) {
  return role == "OWNER" || role == "ADMIN";
}

/// A room's row, locked for the change: the change's events follow `version`.
struct locked_room {
  int64_t id = 0;
  int64_t version = 0;
  std::string type;
  /// The caller's role; empty when the caller is no member.
  std::string caller_role;
  json events = json::array();

  /// Adds the next event of the room.
  void event(const char* type_name, const json& payload) {
    add_event(events, type_name, id, ++version, "", now_ms(), dump(payload));
  }
};

std::string role_of(pqxx::transaction_base& txn, int64_t room_id, int64_t user_id) {
  auto rows = txn.exec_params("SELECT role FROM room_members WHERE room_id = $1 AND user_id = $2",
                              room_id, user_id);
  return rows.empty() ? std::string{} : rows[0][0].as<std::string>();
}

/// Locks a room that is not deleted, with the caller's role; not_found, or not_member unless
/// the caller may be a stranger.
locked_room lock(pqxx::transaction_base& txn, int64_t room_id, int64_t caller) {
  auto rows = txn.exec_params(
    "SELECT version, type FROM rooms WHERE id = $1 AND deleted_at IS NULL FOR UPDATE", room_id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "room " + std::to_string(room_id) + " does not exist");
  locked_room room;
  room.id = room_id;
  room.version = rows[0][0].as<int64_t>();
  room.type = rows[0][1].as<std::string>();
  room.caller_role = role_of(txn, room_id, caller);
  if (room.caller_role.empty())
    throw store_error(chat_errc::not_member, "not a member of this room");
  return room;
}

void require_admin(const locked_room& room, const char* what) {
  if (!is_admin(room.caller_role))
    throw store_error(chat_errc::forbidden, std::string{"only the room's OWNER or ADMIN "} + what);
}

void require_group(const locked_room& room) {
  if (room.type != "GROUP")
    throw store_error(chat_errc::invalid_input, "a DIRECT room has exactly its two members");
}

json member_payload(int64_t room_id, int64_t user_id) {
  return json{{"roomId", room_id}, {"userId", user_id}};
}

/// RoomUpdated: the room's fields as they now are, and what changed.
json room_payload(pqxx::transaction_base& txn, int64_t room_id, const char* change, int64_t by) {
  auto meta = read_room_by_id(txn, room_id);
  return json{
    {"roomId", room_id},           {"title", meta.title}, {"description", meta.description},
    {"notice", notice_json(meta)}, {"change", change},    {"updatedBy", by}};
}

/// Writes the room's events and its new version; fills the caller's view.
room_admin_result finish(pqxx::work& txn, locked_room& room, int64_t caller, std::string reason,
                         std::vector<int64_t> gone) {
  room_admin_result result;
  result.reason = std::move(reason);
  result.gone = std::move(gone);
  if (!room.events.empty()) {
    insert_events(txn, room.events);
    txn.exec_params("UPDATE rooms SET version = $2 WHERE id = $1", room.id, room.version);
    result.version = room.version;
  }
  if (!role_of(txn, room.id, caller).empty()) {
    result.view = membership_queries::view(txn, room.id, caller);
    result.caller_is_member = true;
  }
  txn.commit();
  return result;
}

void check_users_exist(pqxx::transaction_base& txn, const std::vector<int64_t>& users) {
  std::set<int64_t> wanted(users.begin(), users.end());
  auto rows = txn.exec_params("SELECT count(*) FROM users WHERE id = ANY($1::bigint[])",
                              int_array({wanted.begin(), wanted.end()}));
  if (rows[0][0].as<size_t>() != wanted.size())
    throw store_error(chat_errc::not_found, "unknown user among participants");
}

/// Refuses when the caller and one of `users` blocked one another.
void check_not_blocked(pqxx::transaction_base& txn, int64_t caller,
                       const std::vector<int64_t>& users) {
  for (auto user : users)
    if (user != caller && people_queries::blocked_between(txn, caller, user))
      throw store_error(chat_errc::blocked,
                        "you and user " + std::to_string(user) + " blocked one another");
}

/// Inserts the users as members; returns those who were none (in id order).
std::vector<int64_t> insert_members(pqxx::transaction_base& txn, int64_t room_id,
                                    const std::vector<int64_t>& users, const char* role) {
  std::vector<int64_t> added;
  for (const auto& row :
       txn.exec_params("INSERT INTO room_members (room_id, user_id, role) SELECT $1, u, $3 FROM "
                       "unnest($2::bigint[]) AS u ON CONFLICT DO NOTHING RETURNING user_id",
                       room_id, int_array(users), role))
    added.push_back(row[0].as<int64_t>());
  std::sort(added.begin(), added.end());
  return added;
}

/// Removes a member; an OWNER's leaving hands the room on, the last member's deletes it.
/// Returns the users who lost the room.
std::vector<int64_t> drop_member(pqxx::transaction_base& txn, locked_room& room, int64_t user_id,
                                 const std::string& role) {
  txn.exec_params("DELETE FROM room_members WHERE room_id = $1 AND user_id = $2", room.id, user_id);
  txn.exec_params("DELETE FROM room_favorites WHERE room_id = $1 AND user_id = $2", room.id,
                  user_id);
  room.event(event_type::member_left, member_payload(room.id, user_id));
  auto heir = txn.exec_params("SELECT user_id FROM room_members WHERE room_id = $1 ORDER BY "
                              "role = 'ADMIN' DESC, joined_at, user_id LIMIT 1",
                              room.id);
  if (heir.empty()) {
    txn.exec_params("UPDATE rooms SET deleted_at = now() WHERE id = $1", room.id);
    room.event(event_type::room_deleted, json{{"roomId", room.id}, {"deletedBy", user_id}});
  } else if (role == "OWNER") {
    auto next = heir[0][0].as<int64_t>();
    txn.exec_params("UPDATE room_members SET role = 'OWNER' WHERE room_id = $1 AND user_id = $2",
                    room.id, next);
    room.event(event_type::room_updated,
               json{{"roomId", room.id}, {"change", "ROLE"}, {"userId", next}, {"role", "OWNER"}});
  }
  return {user_id};
}

void check_spec(const room_spec& spec, int64_t creator, std::vector<int64_t>& members) {
  if (spec.title.empty() || spec.title.size() > max_title)
    throw store_error(chat_errc::invalid_input, "title: 1 to 100 characters");
  if (spec.type != "GROUP" && spec.type != "DIRECT")
    throw store_error(chat_errc::invalid_input, "type must be GROUP or DIRECT");
  members = {creator};
  for (auto id : spec.participants)
    if (std::find(members.begin(), members.end(), id) == members.end())
      members.push_back(id);
  if (spec.type == "DIRECT" && members.size() != 2)
    throw store_error(chat_errc::invalid_input, "a DIRECT room has exactly two participants");
}

} // namespace

std::vector<room_view> create_rooms(db_connection& db, int64_t creator,
                                    const std::vector<room_spec>& specs) {
  pqxx::work txn{db.get()};
  std::vector<int64_t> ids;
  for (auto& spec : specs) {
    std::vector<int64_t> members;
    check_spec(spec, creator, members);
    check_users_exist(txn, members);
    check_not_blocked(txn, creator, members);
    locked_room room;
    room.id = txn
                .exec_params1("INSERT INTO rooms (title, type, created_by) VALUES ($1, $2, $3) "
                              "RETURNING id",
                              spec.title, spec.type, creator)[0]
                .as<int64_t>();
    insert_members(txn, room.id, {creator}, "OWNER");
    insert_members(txn, room.id, members, "MEMBER");
    for (auto user : members)
      room.event(event_type::member_joined, member_payload(room.id, user));
    insert_events(txn, room.events);
    txn.exec_params("UPDATE rooms SET version = $2 WHERE id = $1", room.id, room.version);
    ids.push_back(room.id);
  }
  std::vector<room_view> result;
  for (auto id : ids)
    result.push_back(membership_queries::view(txn, id, creator));
  txn.commit();
  return result;
}

room_admin_result add_members(db_connection& db, int64_t room_id, int64_t caller,
                              const std::vector<int64_t>& users) {
  pqxx::work txn{db.get()};
  auto room = lock(txn, room_id, caller);
  require_group(room);
  require_admin(room, "adds members");
  check_users_exist(txn, users);
  check_not_blocked(txn, caller, users);
  for (auto user : insert_members(txn, room_id, users, "MEMBER"))
    room.event(event_type::member_joined, member_payload(room_id, user));
  return finish(txn, room, caller, "MEMBERS_ADDED", {});
}

room_admin_result remove_member(db_connection& db, int64_t room_id, int64_t caller,
                                int64_t user_id) {
  pqxx::work txn{db.get()};
  auto room = lock(txn, room_id, caller);
  auto role = role_of(txn, room_id, user_id);
  if (role.empty())
    throw store_error(chat_errc::not_found,
                      "user " + std::to_string(user_id) + " is no member of this room");
  if (user_id != caller) {
    require_group(room);
    require_admin(room, "removes others");
    if (role == "OWNER" || (role == "ADMIN" && room.caller_role != "OWNER"))
      throw store_error(chat_errc::forbidden, "only the OWNER removes an ADMIN; nobody the OWNER");
  }
  auto gone = drop_member(txn, room, user_id, role);
  return finish(txn, room, caller, user_id == caller ? "MEMBER_LEFT" : "MEMBER_REMOVED",
                std::move(gone));
}

room_admin_result update(db_connection& db, int64_t room_id, int64_t caller,
                         const room_patch& patch) {
  pqxx::work txn{db.get()};
  auto room = lock(txn, room_id, caller);
  require_admin(room, "changes the room");
  auto changed = txn.exec_params(
    "UPDATE rooms SET title = CASE WHEN $2 THEN $3 ELSE title END, description = CASE WHEN $4 "
    "THEN $5 ELSE description END WHERE id = $1 AND (($2 AND title <> $3) OR ($4 AND "
    "description <> $5)) RETURNING id",
    room_id, patch.has_title, patch.title, patch.has_description, patch.description);
  if (!changed.empty())
    room.event(event_type::room_updated, room_payload(txn, room_id, "DETAILS", caller));
  return finish(txn, room, caller, "UPDATED", {});
}

room_admin_result leave(db_connection& db, int64_t room_id, int64_t caller, bool for_everyone) {
  pqxx::work txn{db.get()};
  auto room = lock(txn, room_id, caller);
  if (!for_everyone) {
    auto gone = drop_member(txn, room, caller, room.caller_role);
    return finish(txn, room, caller, "MEMBER_LEFT", std::move(gone));
  }
  if (room.caller_role != "OWNER")
    throw store_error(chat_errc::forbidden, "only the OWNER deletes a room for everyone");
  std::vector<int64_t> gone;
  for (const auto& row :
       txn.exec_params("DELETE FROM room_members WHERE room_id = $1 RETURNING user_id", room_id))
    gone.push_back(row[0].as<int64_t>());
  std::sort(gone.begin(), gone.end());
  txn.exec_params("DELETE FROM room_favorites WHERE room_id = $1", room_id);
  txn.exec_params("UPDATE rooms SET deleted_at = now() WHERE id = $1", room_id);
  // Everyone leaves, then the room goes: member counts follow the events alone.
  for (auto user : gone)
    room.event(event_type::member_left, member_payload(room_id, user));
  room.event(event_type::room_deleted, json{{"roomId", room_id}, {"deletedBy", caller}});
  return finish(txn, room, caller, "DELETED", std::move(gone));
}

room_admin_result set_role(db_connection& db, int64_t room_id, int64_t caller, int64_t user_id,
                           const std::string& role) {
  if (role != "ADMIN" && role != "MEMBER")
    throw store_error(chat_errc::invalid_input, "role: ADMIN or MEMBER");
  pqxx::work txn{db.get()};
  auto room = lock(txn, room_id, caller);
  require_group(room);
  if (room.caller_role != "OWNER")
    throw store_error(chat_errc::forbidden, "only the OWNER changes roles");
  auto current = role_of(txn, room_id, user_id);
  if (current.empty())
    throw store_error(chat_errc::not_found,
                      "user " + std::to_string(user_id) + " is no member of this room");
  if (current == "OWNER")
    throw store_error(chat_errc::invalid_input, "the OWNER's role does not change");
  if (current != role) {
    txn.exec_params("UPDATE room_members SET role = $3 WHERE room_id = $1 AND user_id = $2",
                    room_id, user_id, role);
    room.event(event_type::room_updated, json{{"roomId", room_id},
                                              {"change", "ROLE"},
                                              {"userId", user_id},
                                              {"role", role},
                                              {"updatedBy", caller}});
  }
  room_participant participant;
  for (auto& p : membership_queries::participants(txn, room_id))
    if (p.account.id == user_id)
      participant = p;
  auto result = finish(txn, room, caller, "ROLE_CHANGED", {});
  result.participant = std::move(participant);
  return result;
}

room_admin_result set_notice(db_connection& db, int64_t room_id, int64_t caller,
                             const std::string& content) {
  pqxx::work txn{db.get()};
  auto room = lock(txn, room_id, caller);
  require_admin(room, "sets the notice");
  if (content.empty())
    txn.exec_params("UPDATE rooms SET notice_content = NULL, notice_by = NULL, notice_at = NULL "
                    "WHERE id = $1",
                    room_id);
  else
    txn.exec_params("UPDATE rooms SET notice_content = $2, notice_by = $3, notice_at = now() "
                    "WHERE id = $1",
                    room_id, content, caller);
  room.event(event_type::room_updated, room_payload(txn, room_id, "NOTICE", caller));
  return finish(txn, room, caller, "NOTICE_CHANGED", {});
}

room_view set_favorite(db_connection& db, int64_t user_id, int64_t room_id, bool favorite) {
  pqxx::work txn{db.get()};
  auto result = membership_queries::view(txn, room_id, user_id); // not_found, not_member
  if (favorite)
    txn.exec_params("INSERT INTO room_favorites (user_id, room_id) VALUES ($1, $2) "
                    "ON CONFLICT DO NOTHING",
                    user_id, room_id);
  else
    txn.exec_params("DELETE FROM room_favorites WHERE user_id = $1 AND room_id = $2", user_id,
                    room_id);
  result.favorite = favorite;
  txn.commit();
  return result;
}

} // namespace chat::room_admin_queries
