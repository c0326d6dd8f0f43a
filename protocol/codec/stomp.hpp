// STOMP 1.2 frames: a strict incremental parser and an encoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chat {

struct stomp_frame {
  std::string command;
  /// In the order received; a repeated header keeps its first value (STOMP 1.2).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first value of a header, or nullptr.
  const std::string* header(std::string_view name) const;
};

struct stomp_limits {
  /// Largest frame (command, headers and body).
  size_t max_frame_bytes = 64 * 1024;
  size_t max_headers = 32;
  /// Largest single header line.
  size_t max_header_bytes = 4 * 1024;
};

/// Parses frames from a byte stream: feed data as it arrives, take frames as they complete.
/// Heart-beats (bare EOLs between frames) are counted, not returned. After an error the
/// parser stays in error: the connection must be closed.
class stomp_parser {
public:
  explicit stomp_parser(stomp_limits limits = {});

  /// Appends received bytes.
  void feed(std::string_view data);

  /// The next complete frame, if any. Check failed() when it returns nullopt.
  std::optional<stomp_frame> next();

  bool failed() const { return !error_.empty(); }

  /// Why parsing failed (for the ERROR frame).
  const std::string& error() const { return error_; }

  /// Heart-beats seen since the last call.
  size_t take_heartbeats();

private:
  std::optional<stomp_frame> fail(std::string why);

  stomp_limits limits_;
  std::string buffer_;
  size_t heartbeats_ = 0;
  std::string error_;
};

/// The longest heart-beat interval taken from a client (a day); longer ones are cut to it, so
/// that deadlines computed from it cannot overflow.
constexpr int64_t max_heart_beat_ms = 24 * 3600 * 1000;

/// The (cx, cy) milliseconds of a "cx,cy" heart-beat header, each at most max_heart_beat_ms;
/// nullopt unless both are non-negative decimal integers.
std::optional<std::pair<int64_t, int64_t>> parse_heart_beat(std::string_view text);

/// Client commands STOMP 1.2 defines.
bool is_client_command(std::string_view command);

/// Escapes a header name or value (\\, \r, \n, :).
std::string stomp_escape(std::string_view text);

/// Encodes a frame; headers are escaped unless the command is CONNECT or CONNECTED.
/// Adds content-length when the body is not empty.
std::string encode_frame(std::string_view command,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         std::string_view body = {});

} // namespace chat
