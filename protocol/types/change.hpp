// Changes of existing messages (edit, delete, reactions, pins, previews): each is one event in
// its room's version order, decided by the room actor and the commit store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>

#include "protocol/types/message.hpp"
#include "protocol/types/room.hpp"

namespace chat {

enum class change_kind : uint8_t {
  edit = 0,
  remove,
  react,
  unreact,
  pin,
  unpin,
  preview,
};

/// The `kind` of `/topic/message/updates/{roomId}`: EDITED, DELETED, REACTION, PINNED,
/// UNPINNED, PREVIEW.
const char* update_kind(change_kind x);

/// The Kafka event type of a change: MessageEdited, MessageDeleted, ReactionAdded, ...
const char* event_type_of(change_kind x);

struct message_change {
  change_kind kind = change_kind::edit;
  std::string message_id;
  /// Who changes it (the preview: 0, the node).
  int64_t user_id = 0;
  /// edit: the new content; react / unreact: the reaction; preview: the preview's JSON.
  std::string text;
  /// Milliseconds since the epoch.
  int64_t at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, message_change& x) {
  return f(caf::meta::type_name("chat::message_change"), x.kind, x.message_id, x.user_id, x.text,
           x.at);
}

/// Changes of one room's messages, written in one transaction (fenced by the owner epoch).
struct change_batch {
  int64_t room_id = 0;
  int64_t epoch = 0;
  std::vector<message_change> changes;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, change_batch& x) {
  return f(caf::meta::type_name("chat::change_batch"), x.room_id, x.epoch, x.changes);
}

/// What a change did.
struct change_outcome {
  change_kind kind = change_kind::edit;
  /// The message as it now is.
  chat_message message;
  /// The version of the change's event; 0 when the change changed nothing (a repeated
  /// reaction, a second delete): no event, nothing to tell.
  int64_t version = 0;
  /// Whether the room's pins changed: a pin, an unpin, or the delete of a pinned message.
  bool pins_changed = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, change_outcome& x) {
  return f(caf::meta::type_name("chat::change_outcome"), x.kind, x.message, x.version,
           x.pins_changed);
}

/// The reply to a change batch: per change, its outcome or its wire error code and text.
struct change_result {
  std::vector<change_outcome> outcomes;
  /// Per change: none, or why it was refused (not_found, forbidden, message_deleted, ...).
  std::vector<caf::error> errors;
  /// The room after the batch.
  room_metadata room;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, change_result& x) {
  return f(caf::meta::type_name("chat::change_result"), x.outcomes, x.errors, x.room);
}

/// A pin of a room (`pin`: {message, pinnedBy, pinnedAt}).
struct room_pin {
  std::string message_id;
  int64_t pinned_by = 0;
  int64_t pinned_at = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, room_pin& x) {
  return f(caf::meta::type_name("chat::room_pin"), x.message_id, x.pinned_by, x.pinned_at);
}

/// A bookmark of a user.
struct bookmark {
  std::string message_id;
  int64_t room_id = 0;
  int64_t created_at = 0;
};

template <class Inspector> typename Inspector::result_type inspect(Inspector& f, bookmark& x) {
  return f(caf::meta::type_name("chat::bookmark"), x.message_id, x.room_id, x.created_at);
}

} // namespace chat
