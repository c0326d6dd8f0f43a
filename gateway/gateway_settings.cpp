#include "gateway/gateway_context.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

namespace chat {

void gateway_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "gateway"}
    .add(max_frame_bytes, "max-frame-bytes", "largest STOMP frame a client may send")
    .add(max_headers, "max-headers", "most headers of a client frame")
    .add(max_header_bytes, "max-header-bytes", "largest header line of a client frame")
    .add(max_content_bytes, "max-content-bytes", "largest message content")
    .add(max_outbound_frames, "max-outbound-frames",
         "frames waiting for a client before it is disconnected as too slow")
    .add(heartbeat, "heartbeat", "the server's STOMP heart-beat offer")
    .add(connect_timeout, "connect-timeout", "time to the CONNECT frame")
    .add(request_timeout, "request-timeout", "bound of requests made for a client")
    .add(tick_interval, "tick-interval", "how often a session checks its heart-beats")
    .add(replay_page, "replay-page", "messages per page of a since-seq replay")
    .add(replay_pause, "replay-pause", "pause of a replay while the client's queue is full")
    .add(sync_default_limit, "sync-default-limit", "messages of an /app/sync answer")
    .add(sync_max_limit, "sync-max-limit", "most messages an /app/sync may ask for")
    .add(send_rate.rate, "send-rate", "messages per second a user may send (sustained)")
    .add(send_rate.burst, "send-burst", "messages a user may send at once")
    .add(typing_interval, "typing-interval", "least time between typing starts of a user");
}

std::string gateway_settings::check() const {
  auto positive = [](caf::timespan x) { return x > caf::timespan{0}; };
  if (max_frame_bytes < 1024 || max_content_bytes == 0 ||
      max_content_bytes + 1024 > max_frame_bytes)
    return "gateway.max-frame-bytes must exceed gateway.max-content-bytes by 1 KiB at least";
  if (max_headers < 8 || max_header_bytes < 256 || max_header_bytes > max_frame_bytes)
    return "gateway.max-headers must be at least 8 and gateway.max-header-bytes between 256 "
           "and gateway.max-frame-bytes";
  if (max_outbound_frames < 16)
    return "gateway.max-outbound-frames must be at least 16";
  if (!positive(heartbeat) || !positive(connect_timeout) || !positive(request_timeout) ||
      !positive(tick_interval) || !positive(replay_pause))
    return "gateway.heartbeat, connect-timeout, request-timeout, tick-interval and "
           "replay-pause must be positive";
  if (replay_page == 0 || sync_default_limit == 0 || sync_max_limit < sync_default_limit)
    return "gateway.replay-page and gateway.sync-default-limit must be positive and "
           "gateway.sync-max-limit at least the default";
  if (!(send_rate.rate > 0) || send_rate.burst < 1)
    return "gateway.send-rate must be positive and gateway.send-burst at least 1";
  if (typing_interval < caf::timespan{0})
    return "gateway.typing-interval must not be negative";
  return {};
}

void auth_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "auth"}
    .add(access_ttl, "access-ttl", "lifetime of access tokens")
    .add(refresh_ttl, "refresh-ttl", "lifetime of refresh tokens")
    .add(hash_workers, "hash-workers", "threads hashing passwords (argon2id)")
    .add(hash_passes, "hash-passes", "argon2id passes of a new password hash")
    .add(hash_memory_kib, "hash-memory-kib", "argon2id memory of a new password hash, KiB")
    .add(logins.per_name.rate, "login-name-rate", "failed logins per second a username regains")
    .add(logins.per_name.burst, "login-name-burst", "failed logins of a username before 429")
    .add(logins.per_address.rate, "login-address-rate",
         "failed logins per second an address regains")
    .add(logins.per_address.burst, "login-address-burst",
         "failed logins from an address before 429");
}

std::string auth_settings::check() const {
  if (access_ttl < std::chrono::seconds(10) || refresh_ttl < access_ttl)
    return "auth.access-ttl must be at least 10s and auth.refresh-ttl at least as long";
  if (hash_workers == 0 || hash_workers > 16)
    return "auth.hash-workers must be between 1 and 16";
  if (hash_passes < 1 || hash_passes > 10 || hash_memory_kib < 8 * 1024 ||
      hash_memory_kib > 1024 * 1024)
    return "auth.hash-passes must be between 1 and 10 and auth.hash-memory-kib between 8192 and "
           "1048576";
  for (auto& limit : {logins.per_name, logins.per_address})
    if (!(limit.rate > 0) || limit.burst < 1)
      return "auth.login-*-rate must be positive and auth.login-*-burst at least 1";
  return {};
}

} // namespace chat
