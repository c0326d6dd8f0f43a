// The gateway actor of one WebSocket connection: owns its client's STOMP session (CONNECT
// with a token, heart-beats, subscriptions with since-seq replay, SEND to /app/...,
// receipts, errors) and its share of the rate limit.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/gateway_context.hpp"
#include "gateway/outbound_channel.hpp"
#include "protocol/interfaces.hpp"
#include "protocol/stomp.hpp"

namespace chat {

struct connection_state {
  static inline const char* name = "connection";
  using clock = std::chrono::steady_clock;

  enum class destination_kind {
    /// /topic/messages|typing|active/{roomId}: through the node's fan-out.
    room,
    /// /topic/message/status/{roomId}: the statuses of this user's messages in a room.
    status,
    /// /user/queue/...: this user's own deliveries.
    user_queue,
  };

  struct subscription {
    std::string id;
    std::string destination;
    destination_kind kind = destination_kind::user_queue;
    int64_t room_id = 0;
    room_topic topic = room_topic::messages;
    /// "MESSAGE\ndestination:...\nsubscription:...\ncontent-type:...\n".
    std::string head;
    /// Waiting for the fan-out (or a membership check): live events are held.
    bool pending = true;
    /// Replaying stored messages up to replay_until: live messages are held.
    bool replaying = false;
    int64_t replay_until = 0;
    /// The last seq delivered (messages topic).
    int64_t last_seq = 0;
    std::vector<local_broadcast> held;
  };

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
  /// Negotiated heart-beats: how often we send, how often we expect to hear from the client.
  std::chrono::milliseconds send_every{0};
  std::chrono::milliseconds expect_every{0};
  clock::time_point opened;
  clock::time_point last_in;
  clock::time_point last_out;
  uint64_t next_message_id = 0;

  std::map<std::string, subscription> subscriptions;
  /// Room actors by id (resolved through the directory).
  std::unordered_map<int64_t, room_actor> rooms;
  /// Messages sent to a room actor without a final status yet, by (room, tempId), with the
  /// room actor that runs their saga: if it dies (its node did), they go to the room's new
  /// home again, and the tempId dedupe answers them there.
  struct in_flight_message {
    chat_message draft;
    caf::actor_addr room;
    /// Which admission of the message this is (replies to older ones change nothing).
    uint64_t token = 0;
    /// The seq of its saga (from the PROCESSING answer; 0 before).
    int64_t seq = 0;
  };
  uint64_t last_admission = 0;
  /// How often a message went to its room's new owner after the old one lost the room.
  std::map<std::pair<int64_t, std::string>, int> moves;
  /// Messages sent again (their room actor died or lost the room) -> the seqs of the sagas
  /// they left behind (0: one whose seq was not known yet). Only these can have stale statuses.
  std::map<std::pair<int64_t, std::string>, std::set<int64_t>> retired;
  std::map<std::pair<int64_t, std::string>, in_flight_message> in_flight;
  /// Room actors monitored for the in-flight messages.
  std::set<caf::actor_addr> watched_rooms;
  /// Rooms told that this user is active, to tell them when the connection ends.
  std::vector<int64_t> present_in;
  std::unordered_map<int64_t, clock::time_point> last_typing;
};

connection_actor::behavior_type
connection(connection_actor::stateful_pointer<connection_state> self,
           std::shared_ptr<gateway_context> ctx, std::shared_ptr<outbound_channel> out,
           std::string url_token, std::string remote);

} // namespace chat
