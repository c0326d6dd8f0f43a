#include "gateway/sockjs/http_transport.hpp"

#include <caf/send.hpp>

#include "gateway/sockjs/sockjs_framing.hpp"
#include "protocol/atoms.hpp"

namespace chat::sockjs {

namespace {

std::string styled(const std::string& frame, stream_style style) {
  if (style == stream_style::events)
    return "data: " + frame + "\r\n\r\n";
  return frame + "\n";
}

/// What a streaming response starts with: xhr_streaming needs 2 KiB before old browsers hand
/// the body to the page.
std::string prelude(stream_style style) {
  if (style == stream_style::events)
    return "\r\n";
  return std::string(2048, 'h') + "\n";
}

} // namespace

http_transport::http_transport(std::string remote_host, const sockjs_settings& settings,
                               size_t max_queued, clock::time_point now)
    : remote_host_(std::move(remote_host)), settings_(settings), max_queued_(max_queued),
      detached_at_(now) {
  // nop
}

void http_transport::bind(connection_actor actor) {
  std::lock_guard<std::mutex> guard{mtx_};
  actor_ = std::move(actor);
}

bool http_transport::send(std::string head, std::shared_ptr<const std::string> body) {
  if (body)
    head += *body;
  head += '\0';
  return push(std::move(head));
}

bool http_transport::send_encoded(std::string frame) {
  return push(std::move(frame));
}

void http_transport::send_heartbeat() {
  push("\n");
}

void http_transport::close_after(std::string frame) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (closing_ || expired_)
    return;
  waiting_.push_back(std::move(frame));
  start_closing();
}

void http_transport::close() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (closing_ || expired_)
    return;
  start_closing();
}

size_t http_transport::queued() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return waiting_.size();
}

bool http_transport::push(std::string frame) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (closing_ || expired_)
    return true;
  if (waiting_.size() >= max_queued_)
    return false;
  waiting_.push_back(std::move(frame));
  flush(clock::now());
  return true;
}

void http_transport::start_closing() {
  closing_ = true;
  flush(clock::now());
}

void http_transport::poll(http_responder respond, clock::time_point now) {
  std::unique_lock<std::mutex> guard{mtx_};
  http_response response;
  response.content_type = "application/javascript; charset=UTF-8";
  if (expired_ || (closing_ && waiting_.empty())) {
    response.body = go_away_frame() + "\n";
  } else if (receiver_) {
    response.body = encode_close(2010, "Another connection still open") + "\n";
  } else if (!opened_) {
    opened_ = true;
    detached_at_ = now;
    response.body = std::string{open_frame} + "\n";
  } else {
    receiver_ = receiver{std::move(respond), nullptr, stream_style::lines, 0, now};
    flush(now);
    return;
  }
  guard.unlock();
  respond(std::move(response));
}

void http_transport::stream(std::shared_ptr<response_stream> out, stream_style style,
                            clock::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  out->write(prelude(style));
  if (expired_ || (closing_ && waiting_.empty())) {
    out->write(styled(go_away_frame(), style));
    out->finish();
    return;
  }
  if (receiver_) {
    out->write(styled(encode_close(2010, "Another connection still open"), style));
    out->finish();
    return;
  }
  std::weak_ptr<http_transport> weak = shared_from_this();
  out->on_gone([weak, out = std::weak_ptr<response_stream>{out}] {
    if (auto self = weak.lock())
      self->receiver_gone(out.lock());
  });
  receiver_ = receiver{nullptr, out, style, 0, now};
  if (!opened_) {
    opened_ = true;
    if (!write(*receiver_, std::string{open_frame}, now)) {
      detach(now);
      return;
    }
  }
  flush(now);
}

bool http_transport::deliver(std::vector<std::string> messages) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (expired_)
    return false;
  // Sent under the lock: two sends of one session cannot overtake each other.
  for (auto& message : messages)
    if (!message.empty() && actor_)
      caf::anon_send(actor_, inbound_atom::value, std::move(message));
  return true;
}

bool http_transport::sweep(clock::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (expired_)
    return false;
  if (receiver_) {
    if (now - receiver_->last_write >= settings_.heartbeat) {
      if (receiver_->poll) {
        http_response response;
        response.content_type = "application/javascript; charset=UTF-8";
        response.body = std::string{heartbeat_frame} + "\n";
        auto respond = std::move(receiver_->poll);
        detach(now);
        respond(std::move(response));
      } else if (!write(*receiver_, std::string{heartbeat_frame}, now)) {
        detach(now);
      }
    }
    return true;
  }
  if (now - detached_at_ < settings_.disconnect_delay)
    return true;
  expire_locked();
  return false;
}

void http_transport::expire() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (!expired_)
    expire_locked();
}

void http_transport::expire_locked() {
  expired_ = true;
  waiting_.clear();
  if (receiver_) {
    if (receiver_->poll) {
      http_response response;
      response.content_type = "application/javascript; charset=UTF-8";
      response.body = go_away_frame() + "\n";
      receiver_->poll(std::move(response));
    } else {
      receiver_->stream->write(styled(go_away_frame(), receiver_->style));
      receiver_->stream->finish();
    }
    receiver_.reset();
  }
  if (actor_)
    caf::anon_send(actor_, closed_atom::value);
  // The actor holds this session as its channel: let go of it to end the cycle.
  actor_ = nullptr;
}

void http_transport::flush(clock::time_point now) {
  if (!receiver_ || (waiting_.empty() && !closing_))
    return;
  if (receiver_->poll) {
    http_response response;
    response.content_type = "application/javascript; charset=UTF-8";
    if (!waiting_.empty())
      response.body = take_waiting() + "\n";
    if (closing_)
      response.body += go_away_frame() + "\n";
    auto respond = std::move(receiver_->poll);
    detach(now);
    respond(std::move(response));
    return;
  }
  if (!waiting_.empty() && !write(*receiver_, take_waiting(), now)) {
    detach(now);
    return;
  }
  if (closing_) {
    write(*receiver_, go_away_frame(), now);
    receiver_->stream->finish();
    detach(now);
  }
}

bool http_transport::write(receiver& to, const std::string& frame, clock::time_point now) {
  auto text = styled(frame, to.style);
  to.bytes += text.size();
  to.last_write = now;
  if (!to.stream->write(std::move(text)))
    return false;
  if (to.bytes >= settings_.stream_bytes) {
    to.stream->finish();
    return false;
  }
  return true;
}

void http_transport::detach(clock::time_point now) {
  receiver_.reset();
  detached_at_ = now;
}

void http_transport::receiver_gone(const std::shared_ptr<response_stream>& stream) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (receiver_ && receiver_->stream && receiver_->stream == stream)
    detach(clock::now());
}

std::string http_transport::take_waiting() {
  std::vector<std::string_view> messages{waiting_.begin(), waiting_.end()};
  auto frame = encode_messages(messages);
  waiting_.clear();
  return frame;
}

} // namespace chat::sockjs
