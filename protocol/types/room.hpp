// Rooms and the room stores' request and reply types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "protocol/types/message.hpp"
#include "protocol/types/user.hpp"

namespace chat {

struct room_member {
  int64_t user_id = 0;
  /// Highest seq the member has read.
  int64_t read_seq = 0;
  /// Committed messages after read_seq (a FAILED message's seq, a gap, never counts).
  int64_t unread = 0;
  /// The user's status (ONLINE, AWAY, BUSY; OFFLINE: invisible, never shown present).
  std::string status = "ONLINE";
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, room_member& x) {
  return f(caf::meta::type_name("chat::room_member"), x.user_id, x.read_seq, x.unread, x.status);
}

/// A participant of a room as `GET /chatrooms/{roomId}/participants` shows it.
struct room_participant {
  user account;
  /// OWNER, ADMIN or MEMBER.
  std::string role;
  int64_t read_seq = 0;
  int64_t joined_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, room_participant& x) {
  return f(caf::meta::type_name("chat::room_participant"), x.account, x.role, x.read_seq,
           x.joined_at);
}

/// A room as stored in the rooms store.
struct room_metadata {
  int64_t id = 0;
  std::string title;
  /// "GROUP" or "DIRECT".
  std::string type = "GROUP";
  int64_t created_at = 0;
  int64_t last_seq = 0;
  int64_t message_count = 0;
  /// Per-room version of the last outbox event (strictly increasing).
  int64_t version = 0;
  int64_t last_activity_at = 0;
  bool has_last_message = false;
  chat_message last_message;
  std::string owner_node;
  int64_t owner_epoch = 0;
  std::string description;
  /// The notice: its content, who set it and when (notice_at 0: there is none).
  std::string notice_content;
  int64_t notice_by = 0;
  int64_t notice_at = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, room_metadata& x) {
  return f(caf::meta::type_name("chat::room_metadata"), x.id, x.title, x.type, x.created_at,
           x.last_seq, x.message_count, x.version, x.last_activity_at, x.has_last_message,
           x.last_message, x.owner_node, x.owner_epoch, x.description, x.notice_content,
           x.notice_by, x.notice_at);
}

/// A room as a member sees it (the `room` object of the client contract).
struct room_view {
  room_metadata room;
  std::vector<user> participants;
  /// The member who sees it this way.
  int64_t viewer = 0;
  /// The member's read position.
  int64_t read_seq = 0;
  /// Committed messages after read_seq.
  int64_t unread_count = 0;
  /// The member's role: OWNER, ADMIN or MEMBER.
  std::string role;
  /// The room's pins as the `pinned` field shows them (a JSON array of {message, pinnedBy,
  /// pinnedAt}, newest first), as the rooms store renders them.
  std::string pins_json;
  /// Whether the member marked the room as a favorite.
  bool favorite = false;
  /// Whether the member hides the last message's sender (a block, either way, in a room that is
  /// not DIRECT): the room shows a placeholder as its last message.
  bool last_message_hidden = false;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, room_view& x) {
  return f(caf::meta::type_name("chat::room_view"), x.room, x.participants, x.viewer, x.read_seq,
           x.unread_count, x.role, x.pins_json, x.favorite, x.last_message_hidden);
}

/// Reply to a claim: the room's state once this node owns it under a new epoch.
struct room_claim {
  room_metadata room;
  std::vector<room_member> members;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, room_claim& x) {
  return f(caf::meta::type_name("chat::room_claim"), x.room, x.members);
}

/// Reply to resolve: what became of a message in the rooms store.
struct resolution {
  /// True: the room commit exists (and stays); the message must be finished forward.
  /// False: the message is aborted (tombstoned, commit removed if there was one).
  bool committed = false;
  /// True when a commit was removed by this call.
  bool removed = false;
  /// The room after the call.
  room_metadata room;
  /// The message's room version when it was committed (0 when there is no commit).
  int64_t version = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, resolution& x) {
  return f(caf::meta::type_name("chat::resolution"), x.committed, x.removed, x.room, x.version);
}

} // namespace chat
