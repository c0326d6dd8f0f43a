// Error codes of the system, carried as caf::error in category "chat".
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace chat {

enum class chat_errc : uint8_t {
  none = 0,
  /// The store rolled the transaction back: the step certainly had no effect.
  store_failed,
  /// The store lost its connection while committing: the step may or may not have taken effect.
  store_in_doubt,
  /// A room write carried an owner epoch that is no longer current.
  fenced,
  /// The message was aborted (tombstoned) before its room commit could happen.
  tombstoned,
  /// Unknown id.
  not_found,
  /// The user is not a member of the room.
  not_member,
  /// Unique constraint violated (e.g. username taken).
  conflict,
  /// Bad input from a client.
  invalid_input,
  /// A dependency (database, Kafka) is unavailable.
  unavailable,
  /// A fault point armed to fail was hit.
  fault_injected,
  /// A persistence worker crashed (fault point armed to crash, or an unexpected exception).
  worker_crashed,
  /// The room actor stopped (fenced, passivated, or its node shut down) before answering.
  room_stopped,
  /// A client sent messages faster than allowed.
  rate_limited,
  /// Authentication failed.
  unauthorized,
  /// Something went wrong that is not the caller's fault.
  internal,
  /// The caller may not do this (e.g. not the room's OWNER or ADMIN).
  forbidden,
  /// A request body or field larger than allowed.
  too_large,
  /// A known path asked with another method.
  method_not_allowed,
  /// A STOMP destination the server does not know.
  unknown_destination,
  /// A tempId that its sender already used with another room or content.
  temp_id_reused,
  /// Fault injection is off on this node.
  faults_disabled,
  /// The message's saga has not finished: it cannot change yet.
  message_pending,
  /// The message was deleted: it cannot change any more.
  message_deleted,
  /// A room has at most 3 pins.
  pin_limit,
  /// A message has at most 20 distinct reactions.
  reaction_limit,
  /// One of the two users blocked the other.
  blocked,
  /// The node has as many messages in flight as it takes ([room] max-in-flight): send later.
  overloaded,
};

const char* to_string(chat_errc x);

/// The error code as written on the wire (`{"code": ...}`), e.g. "NOT_MEMBER".
const char* wire_code(chat_errc x);

caf::error make_error(chat_errc x);
caf::error make_error(chat_errc x, std::string context);

/// The category atom of chat errors.
caf::atom_value chat_error_category();

/// Returns the chat error code of `err`, or chat_errc::internal for errors of other categories
/// (and chat_errc::none for no error).
chat_errc code_of(const caf::error& err);

/// Returns the context string attached by make_error(x, context), if any.
std::string context_of(const caf::error& err);

/// One-line human readable description of any error.
std::string describe(const caf::error& err);

} // namespace chat
