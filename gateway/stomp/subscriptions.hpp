// A session's subscriptions: what each SUBSCRIBE asked for, live events held while a
// since-seq replay or the fan-out's answer is pending, and the replay itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/types/delivery.hpp"

namespace chat {

struct stomp_frame;

struct subscription {
  enum class kind {
    /// /topic/<topic>/{roomId}: room events through the node's fan-out.
    room,
    /// /topic/message/status/{roomId}: the statuses of this user's messages in a room.
    status,
    /// /user/queue/...: this user's own deliveries.
    user_queue,
    /// /topic/thread/{parentMessageId}: the replies of one thread, from its room's messages.
    thread,
  };

  std::string id;
  std::string destination;
  kind type = kind::user_queue;
  int64_t room_id = 0;
  room_topic topic = room_topic::messages;
  /// /topic/thread/{parentMessageId}: only the room's messages of this thread.
  std::string thread_id;
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

/// The user queues a client may subscribe to.
bool is_user_queue(std::string_view destination);

/// True when the subscription takes this room event (room topics and threads).
bool takes(const subscription& sub, const local_broadcast& event);

/// True when the subscription is one of the fan-out's for (room, topic).
bool uses_fanout(const subscription& sub, int64_t room_id, room_topic topic);

} // namespace chat
