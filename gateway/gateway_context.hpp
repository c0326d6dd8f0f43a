// What the REST handlers and the per-connection actors of a node share.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>

#include "gateway/auth/login_throttle.hpp"
#include "gateway/auth/rate_limiter.hpp"
#include "gateway/auth/tokens.hpp"
#include "protocol/interfaces/cluster.hpp"
#include "protocol/interfaces/gateway.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/user.hpp"

namespace chat {

/// [gateway] in config/chatd.ini: the STOMP sessions and what they may ask.
struct gateway_settings {
  /// Largest STOMP frame a client may send.
  size_t max_frame_bytes = 64 * 1024;
  /// Most headers of a client frame, and the largest header line.
  size_t max_headers = 64;
  size_t max_header_bytes = 8 * 1024;
  /// Largest message content (bytes of UTF-8).
  size_t max_content_bytes = 8 * 1024;
  /// Frames waiting for a slow client before it is disconnected.
  size_t max_outbound_frames = 1024;
  /// The server's heart-beat offer (both directions); clients may ask for slower ones.
  caf::timespan heartbeat = std::chrono::seconds(10);
  /// A connection that sends no CONNECT within this time is closed.
  caf::timespan connect_timeout = std::chrono::seconds(10);
  /// Bound of a request to a room, store or fan-out on a client's behalf.
  caf::timespan request_timeout = std::chrono::seconds(10);
  /// How often a session checks its heart-beats and its CONNECT deadline.
  caf::timespan tick_interval = std::chrono::milliseconds(500);
  /// Messages per page of a since-seq replay.
  size_t replay_page = 200;
  /// A replay pauses this long while the client's outbound queue is more than half full.
  caf::timespan replay_pause = std::chrono::milliseconds(20);
  /// Messages of an /app/sync answer when the client names no limit, and the most it may ask.
  size_t sync_default_limit = 50;
  size_t sync_max_limit = 200;
  /// Per-user token bucket for sends.
  rate_limit_settings send_rate;
  /// Least time between two typing starts of a user in a room (stops always go through).
  caf::timespan typing_interval = std::chrono::milliseconds(300);

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

/// [auth] in config/chatd.ini.
struct auth_settings {
  caf::timespan access_ttl = std::chrono::hours(1);
  caf::timespan refresh_ttl = std::chrono::hours(14 * 24);
  /// Threads hashing passwords (argon2id).
  size_t hash_workers = 2;
  /// argon2id passes and memory (KiB) of a new hash: OWASP's minimum, ~40 ms on 2 vCPU.
  size_t hash_passes = 2;
  size_t hash_memory_kib = 19 * 1024;
  /// Failed logins allowed per username and per client address.
  login_throttle_settings logins;

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

struct gateway_context {
  caf::actor_system* sys = nullptr;
  std::string node_id;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  gateway_settings settings;
  room_directory_actor directory;
  /// The node's cluster directory (the cluster view); may be invalid in tests.
  cluster_directory_actor cluster;
  fanout_actor fanout;
  message_store_actor messages;
  commit_store_actor commits;
  membership_store_actor membership;
  user_store_actor users;
  /// chat-streamer's store; invalid when the node has none.
  notification_store_actor notifications;
  schedule_store_actor schedules;
  password_hasher_actor hasher;
  std::shared_ptr<token_service> tokens;
  std::shared_ptr<rate_limiter> limiter;
  std::shared_ptr<login_throttle> logins;
};

} // namespace chat
