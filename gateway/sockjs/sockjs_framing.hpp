// SockJS framing (the protocol sockjs-client speaks, version 0.3): what the server writes
// ("o", "h", "a[...]", "c[code,reason]") and what clients send (a JSON array of strings).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::sockjs {

/// The frame that opens a session.
inline constexpr std::string_view open_frame = "o";

/// The frame that keeps an idle transport alive.
inline constexpr std::string_view heartbeat_frame = "h";

/// "a[...]": `messages` as one frame. Everything outside ASCII is escaped, as SockJS asks of
/// servers (browsers mangle some code points otherwise); bytes that are not UTF-8 become U+FFFD.
std::string encode_messages(const std::vector<std::string_view>& messages);

/// "c[code,"reason"]".
std::string encode_close(int code, std::string_view reason);

/// The close frame of a session that ended.
std::string go_away_frame();

/// The messages of a client's frame: a JSON array of strings, or one JSON string. nullopt when
/// it is neither.
std::optional<std::vector<std::string>> decode_messages(std::string_view frame);

/// The parts of a transport URL below the endpoint's prefix: "/{server}/{session}/{transport}".
struct transport_path {
  std::string server;
  std::string session;
  std::string transport;
};

/// Splits `rest` ("/000/abcd1234/xhr"); nullopt unless it has three non-empty parts without dots
/// (SockJS's rule), each at most 64 bytes.
std::optional<transport_path> parse_transport_path(std::string_view rest);

} // namespace chat::sockjs
