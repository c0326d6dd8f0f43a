#include "gateway/sockjs/sockjs_settings.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

namespace chat {

void sockjs_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "sockjs"}
    .add(enabled, "enabled", "serve SockJS below the STOMP endpoint (/ws/chat/info, ...)")
    .add(heartbeat, "heartbeat", "an idle SockJS transport gets an h frame this often")
    .add(disconnect_delay, "disconnect-delay",
         "a SockJS session without a receiving request for this long is over")
    .add(stream_bytes, "stream-bytes", "bytes after which a streaming response ends")
    .add(max_sessions, "max-sessions", "most SockJS sessions on HTTP transports at once");
}

std::string sockjs_settings::check() const {
  if (heartbeat < std::chrono::milliseconds(100) ||
      disconnect_delay < std::chrono::milliseconds(100))
    return "sockjs.heartbeat and sockjs.disconnect-delay must be at least 100ms";
  if (stream_bytes < 4096)
    return "sockjs.stream-bytes must be at least 4096";
  if (max_sessions == 0)
    return "sockjs.max-sessions must be positive";
  return {};
}

} // namespace chat
