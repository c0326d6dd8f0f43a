#include "actors/settings.hpp"

namespace chat {

caf::timespan max_saga_lifetime(const saga_settings& x) {
  caf::timespan backoff_total{0};
  auto backoff = x.compensation_backoff;
  for (int i = 1; i < x.compensation_attempts; ++i) {
    backoff_total += backoff;
    backoff *= 2;
  }
  auto compensation_step = x.step_timeout * x.compensation_attempts + backoff_total;
  // 3 forward steps, the claim of the decision (mark, then reading the message), 2
  // compensation steps, the fallback mark and the dead-letter record.
  return x.step_timeout * 5 + compensation_step * 3 + x.step_timeout;
}

} // namespace chat
