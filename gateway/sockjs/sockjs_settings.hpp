// [sockjs] in config/chatd.ini: SockJS on the STOMP endpoint, for clients built with
// sockjs-client and networks that block WebSockets.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

namespace chat {

struct sockjs_settings {
  /// Serve SockJS below the STOMP endpoint (/ws/chat/info, /ws/chat/{server}/{session}/...).
  bool enabled = true;
  /// An idle transport gets an "h" frame this often (a waiting poll is answered with it).
  caf::timespan heartbeat = std::chrono::seconds(25);
  /// A session without a receiving request for this long is over.
  caf::timespan disconnect_delay = std::chrono::seconds(5);
  /// A streaming response ends after this many bytes and the client opens the next one
  /// (browsers keep a streamed response in memory).
  size_t stream_bytes = 128 * 1024;
  /// Most sessions on HTTP transports at once; more are refused with 503.
  size_t max_sessions = 10000;

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

} // namespace chat
