// Tunables of the room actors ([room] in config/chatd.ini).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "actors/saga/saga_settings.hpp"

namespace chat {

struct room_settings {
  /// This node's id, recorded as the room's owner when it claims the room (from [node]).
  std::string node = "node-1";
  /// A room with no work and no subscribers passivates after this time.
  caf::timespan idle_timeout = std::chrono::minutes(5);
  /// Recent (sender, tempId) pairs a room remembers for deduplication.
  size_t dedupe_window = 1024;
  /// Most messages of one room written in one room commit.
  size_t max_commit_batch = 256;
  /// How often a room asks the store about a message whose saga ended undecided.
  caf::timespan undecided_recheck = std::chrono::seconds(10);
  /// A member typing without a stop or a new start for this long is shown as stopped.
  caf::timespan typing_timeout = std::chrono::seconds(5);
  /// Committed seqs a room remembers to compute a reader's unread count exactly; a read
  /// position older than these takes the count the store computed.
  size_t unread_window = 4096;
  /// Messages the node has admitted and not yet saved or failed, over all its rooms; a send
  /// over it is FAILED with OVERLOADED at once (nothing stored). 0: no bound.
  size_t max_in_flight = 512;
  /// Bound of the room's store operations (claim, commit, resolve): the saga's step timeout.
  saga_settings saga;

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

} // namespace chat
