#include "actors/room/room_settings.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

namespace chat {

void room_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "room"}
    .add(idle_timeout, "idle-timeout", "an unused room passivates after")
    .add(dedupe_window, "dedupe-window", "recent (sender, tempId) pairs kept per room")
    .add(max_commit_batch, "max-commit-batch", "most messages per room commit")
    .add(undecided_recheck, "undecided-recheck",
         "how often a room asks whether recovery decided a saga that ended undecided")
    .add(typing_timeout, "typing-timeout", "a typing indicator without news ends after")
    .add(unread_window, "unread-window",
         "committed seqs a room keeps to compute unread counts itself")
    .add(max_in_flight, "max-in-flight",
         "messages in flight on the node before sends are refused as OVERLOADED (0: no bound)");
  saga.add_options(options);
}

std::string room_settings::check() const {
  if (idle_timeout <= caf::timespan{0})
    return "room.idle-timeout must be positive";
  if (dedupe_window == 0)
    return "room.dedupe-window must be positive";
  if (max_commit_batch == 0)
    return "room.max-commit-batch must be positive";
  if (undecided_recheck <= caf::timespan{0} || typing_timeout <= caf::timespan{0})
    return "room.undecided-recheck and room.typing-timeout must be positive";
  return saga.check();
}

} // namespace chat
