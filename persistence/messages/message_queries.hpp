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

struct finalize_request {
  std::string id;
  /// The version of its MessageSent event.
  int64_t version = 0;
};

/// Saga step 3: marks messages committed (not those marked compensating).
std::vector<item_result<bool>> finalize(db_connection& db,
                                        const std::vector<finalize_request>& batch);

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

/// Applies changes made in the rooms store: each message takes the state it carries unless
/// the stored one is as new already (by version). True per message that exists.
std::vector<item_result<bool>> apply_changes(db_connection& db,
                                             const std::vector<chat_message>& batch);

/// A committed message by id (not_found).
chat_message by_id(db_connection& db, const std::string& id);

/// Committed messages by id, in the order given (unknown ids are left out).
std::vector<chat_message> by_ids(db_connection& db, const std::vector<std::string>& ids);

/// A page of a thread's committed replies.
history_page thread_page(db_connection& db, const thread_query& query);

/// The threads of a room (or only the one of `parent_id`, if not ""), latest reply first.
std::vector<thread_summary> threads(db_connection& db, int64_t room_id,
                                    const std::string& parent_id, int32_t limit);

/// Full-text search (PostgreSQL's tsvector index).
std::vector<chat_message> search(db_connection& db, const search_query& query);

/// All messages of a room in any state, ascending by seq (for tools and tests).
std::vector<chat_message> all_of_room(db_connection& db, int64_t room_id);

} // namespace message_queries

} // namespace chat
