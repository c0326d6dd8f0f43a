// The REST form of a room change by the membership store (update, members, roles, notice,
// leave): the store decides and writes, the members hear of it, then the caller gets the answer.
#pragma once

#include "gateway/rest/common.hpp"
#include "protocol/types/room_admin.hpp"

namespace chat::rest {

/// Asks the membership store for a change of the room of the {roomId} path; answers with
/// `answer(result)` (an http_response) once the members heard of it.
template <class Answer, class... Ts>
void change_room(const ctx_ptr& ctx, const http_responder& respond, int64_t room_id, Answer answer,
                 Ts... xs) {
  in_actor(*ctx->sys, [=](self_ptr self) {
    ask(
      self, ctx, respond, ctx->membership,
      [=](room_admin_result& result) {
        after_room_change(self, ctx, room_id, result,
                          [respond, answer, result] { respond(answer(result)); });
      },
      xs...);
  });
}

} // namespace chat::rest
