// SockJS below the STOMP endpoint, as sockjs-client expects it: GET {prefix}/info, and the
// HTTP transports {prefix}/{server}/{session}/{xhr,xhr_send,xhr_streaming,eventsource}, each
// session a STOMP connection like a WebSocket's. The WebSocket transport itself is upgraded by
// websocket_server. Everything else goes to the next handler.
#pragma once

#include <memory>
#include <string>

#include "gateway/http/http_types.hpp"
#include "gateway/sockjs/sockjs_settings.hpp"

namespace chat {

struct gateway_context;

/// `next` serves every request outside `prefix`.
http_handler make_sockjs_handler(std::shared_ptr<gateway_context> ctx, sockjs_settings settings,
                                 std::string prefix, http_handler next);

} // namespace chat
