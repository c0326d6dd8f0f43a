// What the parts of a STOMP session (session.cpp, subscriptions.cpp, destinations/) share:
// writing frames, user-queue deliveries, application errors, room lookups, statuses.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <caf/error.hpp>

#include "gateway/stomp/session.hpp"

namespace chat {

/// Queues a frame (head, and the shared body if any); a full queue closes the session as too
/// slow.
void write_frame(session_ptr self, std::string head,
                 std::shared_ptr<const std::string> body = nullptr);

/// Queues a complete frame as encoded by encode_frame (CONNECTED, RECEIPT).
void write_encoded(session_ptr self, std::string frame);

/// A MESSAGE frame of a subscription.
void emit(session_ptr self, subscription& sub, std::shared_ptr<const std::string> body);

/// Sends a body to every subscription of a user queue ("/user/queue/errors", ...).
void to_queue(session_ptr self, std::string_view queue, std::string body);

/// An application-level problem: reported on /user/queue/errors, the connection stays.
void app_error(session_ptr self, chat_errc code, const std::string& message,
               const std::string& temp_id = {});

/// The same with a wire code as received from a room (e.g. a FAILED status's errorCode).
void app_error(session_ptr self, const std::string& wire_code, const std::string& message,
               const std::string& temp_id = {});

/// Names the destination of the SEND handled (or answered) while it lives: application errors
/// carry it.
class destination_scope {
public:
  destination_scope(session_ptr self, std::string destination);
  ~destination_scope();

  destination_scope(const destination_scope&) = delete;
  destination_scope& operator=(const destination_scope&) = delete;

private:
  session_ptr self_;
  std::string previous_;
};

/// The chat code of an error for the client (internal errors show as unavailable).
chat_errc app_code(const caf::error& err);

/// A RECEIPT if the frame asked for one.
void receipt(session_ptr self, const stomp_frame& frame);

/// A protocol error: ERROR frame, then the connection closes (STOMP requires it).
void close_with_error(session_ptr self, const std::string& message, const std::string& detail = {});

/// Ends the session's presence in the fan-out and the rooms (idempotent).
void end_session(session_ptr self);

/// Runs `then(room)` with the room's actor, resolving it through the directory when unknown;
/// `failed(err)` when it cannot be found.
void with_room(session_ptr self, int64_t room_id, std::function<void(room_actor&)> then,
               std::function<void(const caf::error&)> failed);

/// A room actor stopped (passivated, moved): forgets it so that the next use resolves it
/// again. True when the error says so.
bool forget_stale_room(session_ptr self, int64_t room_id, const caf::error& err);

/// The re-send tracker's number of a room actor; the session watches it from now on (its
/// death is on_room_down).
resend_tracker::room_key watch_room(session_ptr self, const room_actor& room);

/// Whose messages in a room this session shows as placeholders (ascending): the users blocked
/// either way, in GROUP rooms; nobody in DIRECT rooms.
const std::vector<int64_t>& hidden_in(session_ptr self, int64_t room_id);

/// Tells a room that this session of its user is here (presence).
void announce_presence_in(session_ptr self, int64_t room_id);

/// Delivers a status on the session's /topic/message/status/{roomId} subscriptions.
void deliver_status(session_ptr self, const status_event& event);

/// Delivers an encoded status (one the node sent for the user, e.g. of a scheduled message) on
/// the session's /topic/message/status/{roomId} subscriptions.
void deliver_status_body(session_ptr self, int64_t room_id, std::string body);

/// A live room event for a subscription: in seq order, once (held while pending).
void deliver_to_subscription(session_ptr self, subscription& sub, const local_broadcast& event);

/// SUBSCRIBE and UNSUBSCRIBE (subscriptions.cpp).
void handle_subscribe(session_ptr self, const stomp_frame& frame);
void handle_unsubscribe(session_ptr self, const stomp_frame& frame);

/// Continues a paused since-seq replay (subscriptions.cpp).
void replay(session_ptr self, const std::string& sub_id);

/// SEND: dispatches to the destination table (destinations.cpp).
void handle_send(session_ptr self, const stomp_frame& frame);

/// A SEND after a SUBSCRIBE takes effect after it: a client that subscribed and then sent
/// receives its own message. Holds the frame while a subscription is pending (or earlier
/// frames wait); false when it can be handled now.
bool hold_send(session_ptr self, const stomp_frame& frame);

/// Handles the held SEND frames, in order, as long as no subscription is pending.
void release_sends(session_ptr self);

/// A status from a saga (destinations/chat.cpp): the re-send rules, then the client.
void on_status(session_ptr self, const status_event& event);

/// A room actor this session sent messages to died (destinations/chat.cpp).
void on_room_down(session_ptr self, const caf::actor_addr& room);

} // namespace chat
