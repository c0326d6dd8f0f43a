// Room management (update, members, roles, notice, leave, delete, multiple creation): each
// change of a room is one event in the room's version order, written under the room's row lock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "protocol/types/room.hpp"

namespace chat {

/// The fields of `PUT /chatrooms/{roomId}`; absent ones stay as they are.
struct room_patch {
  bool has_title = false;
  std::string title;
  bool has_description = false;
  std::string description;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, room_patch& x) {
  return f(caf::meta::type_name("chat::room_patch"), x.has_title, x.title, x.has_description,
           x.description);
}

/// One room of a creation: its title, GROUP or DIRECT, and the participants besides the creator.
struct room_spec {
  std::string title;
  std::string type;
  std::vector<int64_t> participants;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, room_spec& x) {
  return f(caf::meta::type_name("chat::room_spec"), x.title, x.type, x.participants);
}

/// What a change of a room did.
struct room_admin_result {
  /// Why the members hear of it on `/user/queue/room-updates`: UPDATED, MEMBERS_ADDED,
  /// MEMBER_REMOVED, MEMBER_LEFT, ROLE_CHANGED, NOTICE_CHANGED, DELETED.
  std::string reason;
  /// Users who lost the room (left, removed, or every member of a deleted room).
  std::vector<int64_t> gone;
  /// The room as the caller now sees it; valid when caller_is_member.
  room_view view;
  bool caller_is_member = false;
  /// The version of the change's last event; 0 when it changed nothing.
  int64_t version = 0;
  /// A role change: the participant as it now is.
  room_participant participant;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, room_admin_result& x) {
  return f(caf::meta::type_name("chat::room_admin_result"), x.reason, x.gone, x.view,
           x.caller_is_member, x.version, x.participant);
}

} // namespace chat
