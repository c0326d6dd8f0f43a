#include "actors/saga/saga_settings.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

namespace chat {

void saga_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "saga"}
    .add(step_timeout, "step-timeout", "timeout of each saga step")
    .add(compensation_attempts, "compensation-attempts",
         "attempts of a compensation step before the saga is dead-lettered")
    .add(compensation_backoff, "compensation-backoff",
         "first retry delay of a compensation step (doubles)");
}

std::string saga_settings::check() const {
  if (step_timeout <= caf::timespan{0})
    return "saga.step-timeout must be positive";
  if (compensation_attempts == 0 || compensation_attempts > 20)
    return "saga.compensation-attempts must be between 1 and 20";
  if (compensation_backoff < caf::timespan{0})
    return "saga.compensation-backoff must not be negative";
  return {};
}

caf::timespan max_saga_lifetime(const saga_settings& x) {
  caf::timespan backoff_total{0};
  auto backoff = x.compensation_backoff;
  for (size_t i = 1; i < x.compensation_attempts; ++i) {
    backoff_total += backoff;
    backoff *= 2;
  }
  auto attempts = static_cast<int64_t>(x.compensation_attempts);
  auto compensation_step = x.step_timeout * attempts + backoff_total;
  // 3 forward steps, the claim of the decision (mark, then reading the message), 2
  // compensation steps, the fallback mark and the dead-letter record.
  return x.step_timeout * 5 + compensation_step * 3 + x.step_timeout;
}

} // namespace chat
