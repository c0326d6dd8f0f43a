#include "persistence/rooms/room_events.hpp"

#include <pqxx/pqxx>

#include "persistence/db/store_error.hpp"
#include "protocol/codec/json.hpp"
#include "protocol/uuid.hpp"

namespace chat {

void add_event(nlohmann::json& rows, const char* type, int64_t room_id, int64_t version,
               const std::string& message_id, int64_t occurred_at, const std::string& payload) {
  rows.push_back(nlohmann::json{
    {"event_id", make_uuid()},
    {"event_type", type},
    {"room_id", room_id},
    {"version", version},
    {"message_id", message_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(message_id)},
    {"payload", payload.empty() ? nlohmann::json(nullptr) : nlohmann::json(payload)},
    {"occurred_at", occurred_at},
  });
}

void insert_events(pqxx::transaction_base& txn, const nlohmann::json& rows) {
  txn.exec_params(
    "INSERT INTO outbox (event_id, event_type, room_id, version, message_id, payload, "
    "occurred_at) SELECT x.event_id, x.event_type, x.room_id, x.version, x.message_id, "
    "x.payload, 'epoch'::timestamptz + x.occurred_at * interval '1 millisecond' "
    "FROM json_to_recordset($1::json) AS x(event_id uuid, event_type text, room_id bigint, "
    "version bigint, message_id uuid, payload text, occurred_at bigint)",
    dump(rows));
}

std::pair<int64_t, int64_t> lock_room(pqxx::transaction_base& txn, int64_t room_id) {
  auto rows = txn.exec_params(
    "SELECT r.version, r.owner_epoch FROM rooms r WHERE r.id = $1 FOR UPDATE", room_id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "room " + std::to_string(room_id) + " does not exist");
  return {rows[0][0].as<int64_t>(), rows[0][1].as<int64_t>()};
}

} // namespace chat
