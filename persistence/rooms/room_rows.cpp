#include "persistence/rooms/room_rows.hpp"

#include <pqxx/pqxx>

#include "persistence/db/store_error.hpp"

#include "protocol/codec/message_json.hpp"

namespace chat {

const char* const room_columns =
  "r.id, r.title, r.type, (extract(epoch from r.created_at) * 1000)::bigint, r.last_seq, "
  "r.message_count, r.version, (extract(epoch from r.last_activity_at) * 1000)::bigint, "
  "coalesce(r.last_message::text, ''), coalesce(r.owner_node, ''), r.owner_epoch, "
  "r.description, coalesce(r.notice_content, ''), coalesce(r.notice_by, 0), "
  "coalesce((extract(epoch from r.notice_at) * 1000)::bigint, 0)";

const char* const unread_column =
  "(SELECT count(*) FROM room_messages rm WHERE rm.room_id = r.id AND rm.seq > m.read_seq "
  "AND NOT rm.deleted)";

namespace {

/// True when the viewer (m.user_id) and `sender` blocked each other, either way, in a room that
/// is not DIRECT: the viewer sees the sender's messages there as placeholders.
std::string hidden_from_viewer(const std::string& sender) {
  return "(r.type <> 'DIRECT' AND EXISTS (SELECT 1 FROM user_blocks k WHERE (k.blocker_id = "
         "m.user_id AND k.blocked_id = " +
         sender + ") OR (k.blocker_id = " + sender + " AND k.blocked_id = m.user_id)))";
}

} // namespace

const std::string member_view_columns =
  std::string{"m.read_seq, "} + unread_column +
  ", m.role, (SELECT coalesce(json_agg(json_build_object('message', CASE WHEN " +
  hidden_from_viewer("rm.sender_id") +
  " THEN json_build_object('roomId', rm.room_id, 'seq', rm.seq, 'hidden', true) ELSE rm.message "
  "END, 'pinnedBy', p.pinned_by, 'pinnedAt', to_char(p.pinned_at AT TIME ZONE 'UTC', "
  "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')) ORDER BY p.pinned_at DESC, p.message_id), '[]')::text "
  "FROM room_pins p JOIN room_messages rm ON rm.message_id = p.message_id WHERE p.room_id = "
  "r.id), EXISTS (SELECT 1 FROM room_favorites f WHERE f.user_id = m.user_id AND f.room_id = "
  "r.id), " +
  hidden_from_viewer("(r.last_message->>'senderId')::bigint");

void read_member_view(const pqxx::row& row, room_view& view) {
  view.room = read_room(row);
  constexpr int first = room_column_count;
  view.read_seq = row[first].as<int64_t>();
  view.unread_count = row[first + 1].as<int64_t>();
  view.role = row[first + 2].as<std::string>();
  view.pins_json = row[first + 3].as<std::string>();
  view.favorite = row[first + 4].as<bool>();
  view.last_message_hidden = row[first + 5].as<bool>();
}

room_metadata read_room(const pqxx::row& row) {
  room_metadata result;
  result.id = row[0].as<int64_t>();
  result.title = row[1].as<std::string>();
  result.type = row[2].as<std::string>();
  result.created_at = row[3].as<int64_t>();
  result.last_seq = row[4].as<int64_t>();
  result.message_count = row[5].as<int64_t>();
  result.version = row[6].as<int64_t>();
  result.last_activity_at = row[7].as<int64_t>();
  auto last = row[8].as<std::string>();
  if (!last.empty()) {
    if (auto msg = decode_message(last)) {
      result.has_last_message = true;
      result.last_message = std::move(*msg);
    }
  }
  result.owner_node = row[9].as<std::string>();
  result.owner_epoch = row[10].as<int64_t>();
  result.description = row[11].as<std::string>();
  result.notice_content = row[12].as<std::string>();
  result.notice_by = row[13].as<int64_t>();
  result.notice_at = row[14].as<int64_t>();
  return result;
}

room_metadata read_room_by_id(pqxx::transaction_base& txn, int64_t room_id) {
  auto rows = txn.exec_params(
    std::string{"SELECT "} + room_columns + " FROM rooms r WHERE r.id = $1", room_id);
  if (rows.empty())
    throw store_error(chat_errc::not_found, "room " + std::to_string(room_id) + " does not exist");
  return read_room(rows[0]);
}

} // namespace chat
