// Plain HTTP request and response types: what handlers see, so that Beast stays inside the
// server's translation units.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "protocol/fwd.hpp"

namespace chat {

struct http_request {
  std::string method;
  /// Path without the query, e.g. "/api/v1/chatrooms/7".
  std::string path;
  /// Decoded query parameters.
  std::map<std::string, std::string> query;
  /// Header fields by lowercase name.
  std::map<std::string, std::string> headers;
  std::string body;
  std::string remote_address;

  /// The client's address without its port.
  std::string remote_host() const;

  /// The header value, or "" when absent.
  const std::string& header(const std::string& lowercase_name) const;
};

/// The body of a response written as it comes (chunked transfer encoding). Thread-safe.
class response_stream {
public:
  virtual ~response_stream() = default;

  /// Queues one chunk; false when the client is gone or the response has ended.
  virtual bool write(std::string chunk) = 0;

  /// Ends the response after what was queued.
  virtual void finish() = 0;

  /// `fn` runs once, on a server thread, when the client goes away before finish() (at once if
  /// it already has).
  virtual void on_gone(std::function<void()> fn) = 0;
};

struct http_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  /// When set, the body is streamed instead: called with the stream once the head is out.
  std::function<void(std::shared_ptr<response_stream>)> streamed;
};

/// Answers exactly once, from any thread.
using http_responder = std::function<void(http_response)>;

/// Handles a request asynchronously.
using http_handler = std::function<void(http_request, http_responder)>;

/// The HTTP status of a chat error code (400 bad input, 401, 403, 404, 409, 413, 429, 503 when
/// a dependency is down; never a 500 for bad input).
int http_status_of(chat_errc code);

/// A JSON error response {code, message}: the status and the wire code from `code`.
http_response error_response(chat_errc code, const std::string& message);

/// A JSON response.
http_response json_response(int status, std::string body);

/// Percent-decodes a URL component ('+' stays '+'); false if malformed.
bool url_decode(const std::string& in, std::string& out);

/// Splits "a=1&b=2" into decoded pairs; false if malformed.
bool parse_query(const std::string& query, std::map<std::string, std::string>& out);

/// The decoded path and query of a request target ("/a%20b?x=1"); false if malformed.
bool split_target(const std::string& target, std::string& path,
                  std::map<std::string, std::string>& query);

} // namespace chat
