// Tunables of the message saga ([saga] in config/chatd.ini).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

namespace chat {

struct saga_settings {
  /// Timeout of every step and compensation step; a timeout is a failure.
  caf::timespan step_timeout = std::chrono::seconds(5);
  /// Attempts of a compensation step before the saga is dead-lettered.
  size_t compensation_attempts = 5;
  /// Delay before the first retry of a compensation step; doubles on each retry.
  caf::timespan compensation_backoff = std::chrono::milliseconds(100);

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

/// The longest a saga can live: three steps, two compensation steps with all their retries,
/// the fallback mark and the dead-letter record. Recovery must wait at least this long.
caf::timespan max_saga_lifetime(const saga_settings& x);

} // namespace chat
