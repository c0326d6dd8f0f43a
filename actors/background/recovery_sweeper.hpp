// Recovery: finishes or compensates the sagas that a crash (or a failed compensation) left
// behind. At start-up and periodically: saga dead letters are compensated and resolved;
// unfinished messages older than the recovery age are decided under their room's row lock
// (finished forward when their room commit exists, removed otherwise).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "protocol/interfaces/background.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/saga.hpp"

namespace chat {

/// [recovery] in config/chatd.ini.
struct recovery_settings {
  /// Unfinished messages older than this are finished or compensated.
  caf::timespan pending_age = std::chrono::seconds(60);
  caf::timespan interval = std::chrono::seconds(10);
  /// Most messages (and dead letters) handled per sweep.
  size_t batch = 200;
  caf::timespan request_timeout = std::chrono::seconds(10);

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

struct recovery_sweeper_state {
  static inline const char* name = "recovery_sweeper";

  recovery_settings settings;
  message_store_actor messages;
  commit_store_actor commits;
  bool busy = false;
  /// Callers of sweep_atom waiting for the sweep in progress.
  std::vector<caf::typed_response_promise<sweep_report>> waiting;
};

recovery_sweeper_actor::behavior_type
recovery_sweeper(recovery_sweeper_actor::stateful_pointer<recovery_sweeper_state> self,
                 recovery_settings settings, message_store_actor messages,
                 commit_store_actor commits);

} // namespace chat
