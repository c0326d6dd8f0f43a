// SQL of the messages store. Blocking; runs on persistence workers only. Each batch function
// is one transaction and returns one result per input, in input order.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "persistence/db/item_result.hpp"
#include "protocol/types/message.hpp"

namespace chat {

class db_connection;

namespace message_queries {

/// Saga step 1: inserts messages marked pending. A message whose (sender, tempId) exists is
/// not inserted: its result carries the existing row when that row is the same message (room
/// and content), and fails with temp_id_reused otherwise.
std::vector<item_result<insert_outcome>> insert_pending(db_connection& db,
                                                        const std::vector<chat_message>& batch);

/// Saga step 3: marks messages committed (not those marked compensating).
std::vector<item_result<bool>> finalize(db_connection& db, const std::vector<std::string>& ids);

/// Compensation of step 1.
std::vector<item_result<bool>> remove(db_connection& db, const std::vector<std::string>& ids);

/// Marks messages compensating so that recovery never finishes them forward.
std::vector<item_result<bool>> mark_compensating(db_connection& db,
                                                 const std::vector<std::string>& ids);

history_page history(db_connection& db, const history_query& query);

std::vector<chat_message> find(db_connection& db, int64_t sender_id, const std::string& temp_id);

struct snapshot_request {
  int64_t room_id = 0;
  /// How many of the most recent committed messages to return (keys and content: id, seq, sender,
  /// tempId), to seed the room's dedupe window.
  int32_t recent = 0;
};

/// What rooms need to activate, for rooms that activate together (set-based queries).
std::vector<item_result<room_snapshot>> snapshots(db_connection& db,
                                                  const std::vector<snapshot_request>& batch);

std::vector<chat_message> pending(db_connection& db, std::chrono::milliseconds min_age,
                                  int32_t limit);

/// All messages of a room in any state, ascending by seq (for tools and tests).
std::vector<chat_message> all_of_room(db_connection& db, int64_t room_id);

} // namespace message_queries

} // namespace chat
