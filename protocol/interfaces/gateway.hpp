// The gateway's actors: one per WebSocket connection, and the password hasher.
#pragma once

#include <string>

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>

#include "protocol/atoms.hpp"
#include "protocol/fwd.hpp"

namespace chat {

/// One WebSocket client's gateway actor (gateway/stomp/session.hpp).
using connection_actor = caf::typed_actor<
  // A status of one of its user's messages.
  caf::reacts_to<status_event>,
  // A room event for one of its subscriptions.
  caf::reacts_to<local_broadcast>,
  // A body for one of its user queues.
  caf::reacts_to<user_delivery>,
  // Its user was mentioned (pushed on /user/queue/notifications).
  caf::reacts_to<mention_notification>,
  // Bytes received from the socket.
  caf::reacts_to<inbound_atom, std::string>,
  // The socket closed.
  caf::reacts_to<closed_atom>,
  // The outbound queue overflowed: the client is too slow.
  caf::reacts_to<overflow_atom>,
  // Heart-beat timer.
  caf::reacts_to<tick_atom>,
  // Continues a paused history replay of a subscription (subscription id).
  caf::reacts_to<resume_atom, std::string>>;

/// Hashes and verifies passwords (argon2id) off the scheduler threads.
using password_hasher_actor = caf::typed_actor<
  // Hashes a password.
  caf::replies_to<hash_atom, std::string>::with<std::string>,
  // True when the password matches the hash; an empty hash (an unknown user) is false after
  // the same work as a real check.
  caf::replies_to<verify_atom, std::string, std::string>::with<bool>>;

} // namespace chat
