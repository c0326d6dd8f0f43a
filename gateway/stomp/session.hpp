// The gateway actor of one WebSocket connection: its client's STOMP session (CONNECT with a
// token, heart-beats, the frame loop, receipts, errors). Subscriptions are in
// subscriptions.cpp, the SEND destinations in destinations/, the re-send rules in
// resend_tracker.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "gateway/gateway_context.hpp"
#include "gateway/http/outbound_channel.hpp"
#include "gateway/stomp/resend_tracker.hpp"
#include "gateway/stomp/subscriptions.hpp"
#include "protocol/codec/stomp.hpp"
#include "protocol/interfaces/gateway.hpp"
#include "protocol/interfaces/room.hpp"

namespace chat {

struct connection_state {
  static inline const char* name = "connection";
  using clock = std::chrono::steady_clock;

  std::shared_ptr<gateway_context> ctx;
  std::shared_ptr<outbound_channel> out;
  /// ?token= of the WebSocket URL, if any.
  std::string url_token;
  std::string remote;
  std::string session_id;
  stomp_parser parser;

  bool connected = false;
  bool closing = false;
  int64_t user_id = 0;
  std::string username;
  /// When the session's access token expires (seconds since the epoch): the session ends
  /// then unless the client sent a fresh token to /app/token.
  int64_t token_expires_at = 0;
  /// Negotiated heart-beats: how often we send, how often we expect to hear from the client.
  std::chrono::milliseconds send_every{0};
  std::chrono::milliseconds expect_every{0};
  clock::time_point opened;
  clock::time_point last_in;
  clock::time_point last_out;
  uint64_t next_message_id = 0;

  std::map<std::string, subscription> subscriptions;
  /// Room actors by room id (resolved through the directory).
  std::unordered_map<int64_t, room_actor> rooms;
  /// Messages without a final status and what to do when their room actor dies.
  resend_tracker resends;
  /// The room actors this session sent messages to, numbered for the tracker and monitored.
  std::map<caf::actor_addr, resend_tracker::room_key> room_keys;
  resend_tracker::room_key last_room_key = 0;
  /// Rooms told that this user is present, to tell them when the connection ends.
  std::vector<int64_t> present_in;
  /// The destination of the SEND being handled: errors name it.
  std::string current_destination;
  /// Last typing start per room (starts are throttled, stops never).
  std::unordered_map<int64_t, clock::time_point> last_typing;
  /// The users blocked by or blocking this user (ascending): their messages in GROUP rooms
  /// reach this session as placeholders. Frames after CONNECT wait until it is known.
  std::vector<int64_t> hidden_senders;
  /// The user's DIRECT rooms, where nothing is hidden (read with hidden_senders, when any).
  std::unordered_set<int64_t> direct_rooms;
  bool hidden_known = false;
  std::vector<stomp_frame> early_frames;
  /// SEND frames that wait for the subscriptions before them to take effect, in order.
  std::deque<stomp_frame> held_sends;
};

using session_ptr = connection_actor::stateful_pointer<connection_state>;

connection_actor::behavior_type connection(session_ptr self, std::shared_ptr<gateway_context> ctx,
                                           std::shared_ptr<outbound_channel> out,
                                           std::string url_token, std::string remote);

} // namespace chat
