// One SockJS session on the HTTP transports (xhr polling, xhr_streaming, eventsource): the
// outbound channel of its connection actor. Frames wait in the session between requests; a
// receiving request takes them as one "a[...]" frame. Thread-safe (one mutex per session).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/typed_actor.hpp>

#include "gateway/http/http_types.hpp"
#include "gateway/http/outbound_channel.hpp"
#include "gateway/sockjs/sockjs_settings.hpp"
#include "protocol/interfaces/gateway.hpp"

namespace chat::sockjs {

/// How a streaming transport wraps each SockJS frame.
enum class stream_style {
  /// xhr_streaming: the frame and a newline.
  lines,
  /// eventsource: "data: <frame>\r\n\r\n".
  events,
};

class http_transport : public outbound_channel,
                       public std::enable_shared_from_this<http_transport> {
public:
  using clock = std::chrono::steady_clock;

  /// `remote_host` is the address the session was opened from; other addresses may not use it.
  http_transport(std::string remote_host, const sockjs_settings& settings, size_t max_queued,
                 clock::time_point now);

  /// The connection actor that reads what the client sends.
  void bind(connection_actor actor);

  const std::string& remote_host() const { return remote_host_; }

  // -- outbound_channel (the connection actor) ------------------------------------------------

  bool send(std::string head, std::shared_ptr<const std::string> body) override;
  bool send_encoded(std::string frame) override;
  void send_heartbeat() override;
  void close_after(std::string frame) override;
  void close() override;
  size_t queued() const override;

  // -- the client's requests -------------------------------------------------------------------

  /// An xhr poll: answered at once when frames wait (or the session ended), else by the next
  /// frame or the heartbeat. A second receiver while one waits gets c[2010,...].
  void poll(http_responder respond, clock::time_point now);

  /// A streaming response: gets every frame until it has carried stream_bytes.
  void stream(std::shared_ptr<response_stream> out, stream_style style, clock::time_point now);

  /// xhr_send: the client's messages, in order, to the connection actor. False when the session
  /// is over.
  bool deliver(std::vector<std::string> messages);

  /// Heartbeats and expiry. False once the session is over (the registry drops it).
  bool sweep(clock::time_point now);

  /// Ends the session (server shutdown): the actor learns that the connection closed.
  void expire();

private:
  struct receiver {
    http_responder poll;
    std::shared_ptr<response_stream> stream;
    stream_style style = stream_style::lines;
    size_t bytes = 0;
    clock::time_point last_write;
  };

  bool push(std::string frame);
  void start_closing();
  /// Writes what waits (and the close frame of a closing session) to the receiver.
  void flush(clock::time_point now);
  /// Writes one SockJS frame to the current receiver; false if the receiver is done with it.
  bool write(receiver& to, const std::string& frame, clock::time_point now);
  void detach(clock::time_point now);
  void expire_locked();
  void receiver_gone(const std::shared_ptr<response_stream>& stream);
  std::string take_waiting();

  const std::string remote_host_;
  const sockjs_settings& settings_;
  const size_t max_queued_;
  mutable std::mutex mtx_;
  connection_actor actor_;
  std::deque<std::string> waiting_;
  std::optional<receiver> receiver_;
  clock::time_point detached_at_;
  bool opened_ = false;
  bool closing_ = false;
  bool expired_ = false;
};

} // namespace chat::sockjs
