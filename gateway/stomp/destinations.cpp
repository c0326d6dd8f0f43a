#include "gateway/stomp/destinations.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "gateway/json_fields.hpp"
#include "gateway/stomp/session_ops.hpp"
#include "protocol/errors.hpp"

namespace chat {

namespace {

/// Every SEND destination: a new one is one line here and its handler in its family's file.
constexpr std::array<destination, 16> table{{
  {"/app/chat", send_chat},
  {"/app/edit", edit_message},
  {"/app/delete", delete_message},
  {"/app/reaction", react},
  {"/app/pin/toggle", toggle_pin},
  {"/app/thread", send_reply},
  {"/app/thread/messages", thread_messages},
  {"/app/thread/detail", thread_detail},
  {"/app/read", read_up_to},
  {"/app/read-all", read_all},
  {"/app/rooms", list_rooms},
  {"/app/group-chat", create_group},
  {"/app/sync", sync_history},
  {"/app/typing", typing},
  {"/app/active", activity},
  {"/app/token", renew_token},
}};

} // namespace

destination_handler find_destination(std::string_view name) {
  for (auto& entry : table)
    if (entry.name == name)
      return entry.handle;
  return nullptr;
}

std::vector<std::string_view> destination_names() {
  std::vector<std::string_view> result;
  for (auto& entry : table)
    result.push_back(entry.name);
  return result;
}

void handle_send(session_ptr self, const stomp_frame& frame) {
  auto* name = frame.header("destination");
  if (name == nullptr) {
    close_with_error(self, "SEND needs a destination");
    return;
  }
  destination_scope scope{self, *name};
  auto handler = find_destination(*name);
  if (handler == nullptr) {
    app_error(self, chat_errc::unknown_destination, "unknown destination " + *name);
  } else if (auto body = parse_object(frame.body); !body) {
    app_error(self, chat_errc::invalid_input, "the body of a SEND must be a JSON object");
  } else {
    handler(self, *body);
  }
  receipt(self, frame);
}

} // namespace chat
