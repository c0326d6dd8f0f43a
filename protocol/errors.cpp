#include "protocol/errors.hpp"

#include <caf/atom.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace chat {

const char* to_string(chat_errc x) {
  switch (x) {
  case chat_errc::none:
    return "none";
  case chat_errc::store_failed:
    return "store_failed";
  case chat_errc::store_in_doubt:
    return "store_in_doubt";
  case chat_errc::fenced:
    return "fenced";
  case chat_errc::tombstoned:
    return "tombstoned";
  case chat_errc::not_found:
    return "not_found";
  case chat_errc::not_member:
    return "not_member";
  case chat_errc::conflict:
    return "conflict";
  case chat_errc::invalid_input:
    return "invalid_input";
  case chat_errc::unavailable:
    return "unavailable";
  case chat_errc::fault_injected:
    return "fault_injected";
  case chat_errc::worker_crashed:
    return "worker_crashed";
  case chat_errc::room_stopped:
    return "room_stopped";
  case chat_errc::rate_limited:
    return "rate_limited";
  case chat_errc::unauthorized:
    return "unauthorized";
  case chat_errc::internal:
    return "internal";
  case chat_errc::forbidden:
    return "forbidden";
  case chat_errc::too_large:
    return "too_large";
  case chat_errc::method_not_allowed:
    return "method_not_allowed";
  case chat_errc::unknown_destination:
    return "unknown_destination";
  case chat_errc::temp_id_reused:
    return "temp_id_reused";
  case chat_errc::faults_disabled:
    return "faults_disabled";
  case chat_errc::message_pending:
    return "message_pending";
  case chat_errc::message_deleted:
    return "message_deleted";
  case chat_errc::pin_limit:
    return "pin_limit";
  case chat_errc::reaction_limit:
    return "reaction_limit";
  case chat_errc::blocked:
    return "blocked";
  case chat_errc::overloaded:
    return "overloaded";
  }
  return "unknown";
}

const char* wire_code(chat_errc x) {
  switch (x) {
  case chat_errc::none:
    return "OK";
  case chat_errc::store_failed:
    return "STORE_FAILED";
  case chat_errc::store_in_doubt:
    return "STORE_IN_DOUBT";
  case chat_errc::fenced:
    return "ROOM_MOVED";
  case chat_errc::tombstoned:
    return "ABORTED";
  case chat_errc::not_found:
    return "NOT_FOUND";
  case chat_errc::not_member:
    return "NOT_MEMBER";
  case chat_errc::conflict:
    return "CONFLICT";
  case chat_errc::invalid_input:
    return "BAD_REQUEST";
  case chat_errc::unavailable:
    return "UNAVAILABLE";
  case chat_errc::fault_injected:
    return "FAULT_INJECTED";
  case chat_errc::worker_crashed:
    return "WORKER_CRASHED";
  case chat_errc::room_stopped:
    return "ROOM_STOPPED";
  case chat_errc::rate_limited:
    return "RATE_LIMITED";
  case chat_errc::unauthorized:
    return "UNAUTHORIZED";
  case chat_errc::internal:
    return "INTERNAL";
  case chat_errc::forbidden:
    return "FORBIDDEN";
  case chat_errc::too_large:
    return "PAYLOAD_TOO_LARGE";
  case chat_errc::method_not_allowed:
    return "METHOD_NOT_ALLOWED";
  case chat_errc::unknown_destination:
    return "UNKNOWN_DESTINATION";
  case chat_errc::temp_id_reused:
    return "TEMP_ID_REUSED";
  case chat_errc::faults_disabled:
    return "FAULTS_DISABLED";
  case chat_errc::message_pending:
    return "MESSAGE_PENDING";
  case chat_errc::message_deleted:
    return "MESSAGE_DELETED";
  case chat_errc::pin_limit:
    return "PIN_LIMIT";
  case chat_errc::reaction_limit:
    return "REACTION_LIMIT";
  case chat_errc::blocked:
    return "BLOCKED";
  case chat_errc::overloaded:
    return "OVERLOADED";
  }
  return "INTERNAL";
}

caf::atom_value chat_error_category() {
  return caf::atom("chat");
}

caf::error make_error(chat_errc x) {
  return caf::error{static_cast<uint8_t>(x), chat_error_category()};
}

caf::error make_error(chat_errc x, std::string context) {
  return caf::error{static_cast<uint8_t>(x), chat_error_category(),
                    caf::make_message(std::move(context))};
}

chat_errc code_of(const caf::error& err) {
  if (!err)
    return chat_errc::none;
  if (err.category() == chat_error_category())
    return static_cast<chat_errc>(err.code());
  if (err.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(err.code())) {
    case caf::sec::request_timeout:
      return chat_errc::unavailable;
    case caf::sec::request_receiver_down:
      return chat_errc::room_stopped;
    default:
      break;
    }
  }
  return chat_errc::internal;
}

std::string context_of(const caf::error& err) {
  if (err && err.context().match_elements<std::string>())
    return err.context().get_as<std::string>(0);
  return {};
}

std::string describe(const caf::error& err) {
  if (!err)
    return "no error";
  if (err.category() == chat_error_category()) {
    std::string result = to_string(static_cast<chat_errc>(err.code()));
    if (auto ctx = context_of(err); !ctx.empty()) {
      result += ": ";
      result += ctx;
    }
    return result;
  }
  return to_string(err);
}

} // namespace chat
