// SQL of message changes (edit, delete, reactions, pins, previews) in the rooms store: each
// change is checked (permissions, limits, state) and written with its outbox event, under the
// room's row lock and owner epoch, in one transaction per batch. Blocking; workers only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "persistence/db/item_result.hpp"
#include "protocol/types/change.hpp"

namespace pqxx {
class transaction_base;
}

namespace chat {

class db_connection;

namespace change_queries {

/// Applies batches of changes (one per room; rooms locked in id order). Per change: the message
/// as it now is and the event's version (0: nothing changed), or why it was refused. The
/// messages store learns the new state through message_applies (see pending_applies).
std::vector<item_result<change_result>> change(db_connection& db,
                                               const std::vector<change_batch>& batch);

/// The same inside a transaction that is already open (a room commit's): locks, decides and
/// writes, but does not commit.
std::vector<item_result<change_result>> decide(pqxx::transaction_base& txn,
                                               const std::vector<change_batch>& batch);

/// Changes not yet applied to the messages store, older than `min_age`: the latest state of
/// each message.
std::vector<chat_message> pending_applies(db_connection& db, std::chrono::milliseconds min_age,
                                          int32_t limit);

/// Applied changes of one room's batch: message ids and the versions applied.
struct applied_marks {
  std::vector<std::string> ids;
  std::vector<int64_t> versions;
};

/// Forgets applied changes, of many batches in one statement.
std::vector<item_result<bool>> applied(db_connection& db, const std::vector<applied_marks>& batch);

/// A room's pins, newest first.
std::vector<room_pin> pins(db_connection& db, int64_t room_id);

} // namespace change_queries

} // namespace chat
