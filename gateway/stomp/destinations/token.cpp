// /app/token: an open session outlives its access token only with a fresh one of the same
// user. A bad token is answered on /user/queue/errors and changes nothing: the session still
// ends when the token it has expires.
#include "gateway/stomp/destinations.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "gateway/json_fields.hpp"
#include "gateway/stomp/session_ops.hpp"
#include "protocol/errors.hpp"

namespace chat {

void renew_token(session_ptr self, const nlohmann::json& body) {
  auto& st = self->state;
  auto token = string_field(body, "accessToken");
  if (!token) {
    app_error(self, chat_errc::invalid_input, "token needs {accessToken}");
    return;
  }
  std::string why;
  auto claims = st.ctx->tokens->verify(*token, token_kind::access, now_seconds(), why);
  if (!claims) {
    app_error(self, chat_errc::unauthorized, why);
    return;
  }
  if (claims->user_id != st.user_id) {
    app_error(self, chat_errc::forbidden, "the token is another user's");
    return;
  }
  st.token_expires_at = std::max(st.token_expires_at, claims->expires_at);
}

} // namespace chat
