// Saga step 2 of a room: a batch of its messages (and its waiting message changes) in one
// transaction at the commit store, fenced by the owner epoch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "protocol/types/change.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/room.hpp"

namespace chat {

/// Saga step 2 for a batch of messages of one room, fenced by the owner epoch.
struct room_commit {
  int64_t room_id = 0;
  int64_t epoch = 0;
  std::vector<chat_message> messages;
  /// The room's waiting changes of existing messages, decided in the same transaction after
  /// the messages (so that a reaction adds statements to a transaction that runs anyway).
  std::vector<message_change> changes;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, room_commit& x) {
  return f(caf::meta::type_name("chat::room_commit"), x.room_id, x.epoch, x.messages, x.changes);
}

struct commit_result {
  /// Messages that were aborted (tombstoned) before this commit: not committed.
  std::vector<std::string> rejected;
  /// Messages refused for what they refer to (a threadId or replyTo that is no message of the
  /// room), and why: not committed.
  std::vector<std::string> invalid;
  std::vector<std::string> invalid_reasons;
  /// Of the invalid ones, those refused because the room is a DIRECT room whose two members
  /// blocked one another (BLOCKED rather than bad input).
  std::vector<std::string> blocked;
  /// Version of each committed message's MessageSent event, in the order of the request
  /// (0 for rejected messages).
  std::vector<int64_t> versions;
  /// The room after the commit.
  room_metadata room;
  /// What became of the request's changes (their `room` is the room after them).
  change_result changes;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, commit_result& x) {
  return f(caf::meta::type_name("chat::commit_result"), x.rejected, x.invalid, x.invalid_reasons,
           x.blocked, x.versions, x.room, x.changes);
}

} // namespace chat
