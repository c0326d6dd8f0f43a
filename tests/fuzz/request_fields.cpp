// libFuzzer target: what a request brings before any actor sees it. The request target (path
// and query, percent-decoded) routed by the router over the real route table (read from
// gateway/web/openapi.json, which unit.web_handler keeps equal to the router's routes), the
// JSON body readers every REST area and STOMP destination uses, the message draft of a send,
// and the id parsers. Built and run by scripts/fuzz (from the repository's root); never part
// of the regular build.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gateway/gateway_context.hpp"
#include "gateway/http/router.hpp"
#include "gateway/json_fields.hpp"
#include "gateway/message_fields.hpp"
#include "protocol/types/message.hpp"

namespace {

/// The router with every documented route, each answering with its pattern.
const chat::router& routes() {
  static const chat::router instance = [] {
    chat::router result;
    std::ifstream file{"gateway/web/openapi.json"};
    std::string text{std::istreambuf_iterator<char>{file}, {}};
    auto document = nlohmann::json::parse(text);
    for (auto& [path, operations] : document.at("paths").items())
      for (auto& [method, operation] : operations.items()) {
        std::string upper;
        for (auto c : method)
          upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        result.add(upper, path,
                   [pattern = path](chat::http_request, chat::route_params params,
                                    chat::http_responder respond) {
                     // A placeholder never matches an empty segment, a literal never differs.
                     for (auto& [name, value] : params)
                       if (value.empty() || pattern.find("{" + name + "}") == std::string::npos)
                         __builtin_trap();
                     chat::http_response answer;
                     answer.status = 200;
                     respond(std::move(answer));
                   });
      }
    if (result.list().empty())
      __builtin_trap(); // run from the repository's root
    return result;
  }();
  return instance;
}

/// Every body field name the API reads (grep of gateway/ for the field readers' calls).
constexpr const char* field_names[] = {"accessToken",
                                       "activity",
                                       "add",
                                       "additionalContent",
                                       "afterSeq",
                                       "content",
                                       "limit",
                                       "mentions",
                                       "messageId",
                                       "nickname",
                                       "parentMessageId",
                                       "participantIds",
                                       "password",
                                       "reaction",
                                       "refreshToken",
                                       "replyTo",
                                       "role",
                                       "roomId",
                                       "seq",
                                       "status",
                                       "targetRoomIds",
                                       "targetUserId",
                                       "tempId",
                                       "threadId",
                                       "title",
                                       "type",
                                       "userId",
                                       "userIds",
                                       "username"};

void check_body(std::string_view text) {
  auto body = chat::parse_object(text);
  if (!body)
    return;
  for (auto* name : field_names) {
    if (auto id = chat::id_field(*body, name); id && *id <= 0)
      __builtin_trap();
    if (auto seq = chat::seq_field(*body, name); seq && *seq < 0)
      __builtin_trap();
    if (auto value = chat::text_field(*body, name, 64); value && value->size() > 64)
      __builtin_trap();
    if (auto ids = chat::id_list(*body, name, 100)) {
      if (ids->size() > 100)
        __builtin_trap();
      for (auto id : *ids)
        if (id <= 0)
          __builtin_trap();
    }
    (void)chat::bool_field(*body, name, false);
    if (auto value = chat::string_field(*body, name))
      (void)chat::valid_reaction(*value);
  }
  chat::gateway_settings settings;
  std::string error;
  std::string temp_id;
  auto draft = chat::read_draft(*body, 7, settings, error, temp_id);
  if (draft &&
      (draft->content.empty() || draft->content.size() > settings.max_content_bytes ||
       draft->temp_id.empty() || draft->temp_id.size() > chat::max_temp_id_bytes ||
       draft->mentions.size() > chat::max_mentions || draft->room_id <= 0 || !error.empty()))
    __builtin_trap();
  if (!draft && error.empty())
    __builtin_trap(); // a refusal always says why
  if (temp_id.size() > chat::max_temp_id_bytes)
    __builtin_trap();
}

void check_target(const std::string& target) {
  chat::http_request request;
  if (!chat::split_target(target, request.path, request.query))
    return;
  for (auto* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    request.method = method;
    int status = 0;
    int answers = 0;
    routes().dispatch(request, [&](chat::http_response answer) {
      status = answer.status;
      ++answers;
    });
    if (answers != 1 || (status != 200 && status != 404 && status != 405))
      __builtin_trap(); // the router answers every request, exactly once
  }
}

/// An id or seq is taken only from decimal digits, and means what they say.
void check_ids(std::string_view text) {
  auto same_number = [&](int64_t value) {
    auto start = text.find_first_not_of('0');
    auto significant = start == std::string_view::npos ? std::string_view{"0"} : text.substr(start);
    return significant == std::to_string(value);
  };
  if (auto id = chat::parse_id(text); id && (*id <= 0 || !same_number(*id)))
    __builtin_trap();
  if (auto seq = chat::parse_seq(text); seq && (*seq < 0 || !same_number(*seq)))
    __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input{reinterpret_cast<const char*>(data), size};
  check_target(input);
  check_body(input);
  check_ids(input);
  return 0;
}
