// What the REST handlers and the per-connection actors of a node share.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "gateway/rate_limiter.hpp"
#include "gateway/tokens.hpp"
#include "protocol/interfaces.hpp"

namespace chat {

struct gateway_settings {
  /// Largest STOMP frame a client may send.
  size_t max_frame_bytes = 64 * 1024;
  /// Largest message content (bytes of UTF-8).
  size_t max_content_bytes = 8 * 1024;
  /// Frames waiting for a slow client before it is disconnected.
  size_t max_outbound_frames = 1024;
  /// The server's heart-beat offer (both directions); clients may ask for slower ones.
  std::chrono::milliseconds heartbeat{10000};
  /// A connection that sends no CONNECT within this time is closed.
  std::chrono::milliseconds connect_timeout{10000};
  /// Bound of a request to a room, store or fan-out on a client's behalf.
  std::chrono::milliseconds request_timeout{10000};
  /// Messages per page of a since-seq replay.
  int replay_page = 200;
  rate_limit_settings send_rate;
  /// Least time between two typing events of a user in a room.
  std::chrono::milliseconds typing_interval{300};
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
  room_store_actor rooms;
  user_store_actor users;
  /// chat-streamer's store; invalid when the node has none.
  notification_store_actor notifications;
  password_hasher_actor hasher;
  std::shared_ptr<token_service> tokens;
  std::shared_ptr<rate_limiter> limiter;
};

} // namespace chat
