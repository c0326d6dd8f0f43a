// Recovery: finishes or compensates the sagas that a crash (or a failed compensation) left
// behind. At start-up and periodically: saga dead letters are compensated and resolved;
// unfinished messages older than the recovery age are decided under their room's row lock
// (finished forward when their room commit exists, removed otherwise).
#pragma once

#include <vector>

#include "actors/settings.hpp"
#include "protocol/interfaces.hpp"

namespace chat {

struct recovery_sweeper_state {
  static inline const char* name = "recovery_sweeper";

  recovery_settings settings;
  message_store_actor messages;
  room_store_actor rooms;
  bool busy = false;
  /// Callers of sweep_atom waiting for the sweep in progress.
  std::vector<caf::typed_response_promise<sweep_report>> waiting;
};

recovery_sweeper_actor::behavior_type
recovery_sweeper(recovery_sweeper_actor::stateful_pointer<recovery_sweeper_state> self,
                 recovery_settings settings, message_store_actor messages, room_store_actor rooms);

} // namespace chat
