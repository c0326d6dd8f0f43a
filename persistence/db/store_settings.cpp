#include "persistence/db/store_settings.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>

namespace chat {

void database_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "db"}
    .add(messages_dsn, "messages-dsn", "libpq connection string of the messages database")
    .add(rooms_dsn, "rooms-dsn", "libpq connection string of the rooms database")
    .add(streamer_dsn, "streamer-dsn",
         "chat-streamer's database, for mention notifications; empty: none")
    .add(create_databases, "create-databases", "create missing databases at start-up")
    .add(messages_pool_size, "messages-pool-size", "workers of the messages store")
    .add(commit_pool_size, "commit-pool-size", "workers of the commit store (saga step 2)")
    .add(membership_pool_size, "membership-pool-size",
         "workers of the membership store (REST queries)")
    .add(user_pool_size, "user-pool-size", "workers of the user store (sign-ups, logins)")
    .add(max_batch, "max-batch", "most writes of one kind per transaction")
    .add(lock_timeout, "lock-timeout", "a statement waiting this long for a lock fails")
    .add(idle_transaction_timeout, "idle-transaction-timeout",
         "PostgreSQL ends a transaction left idle this long (a stuck worker)");
}

std::string database_settings::check() const {
  if (messages_dsn.empty())
    return "db.messages-dsn is missing";
  if (rooms_dsn.empty())
    return "db.rooms-dsn is missing";
  if (messages_dsn == rooms_dsn)
    return "db.messages-dsn and db.rooms-dsn must name two databases (the saga spans both)";
  for (auto size : {messages_pool_size, commit_pool_size, membership_pool_size, user_pool_size})
    if (size == 0 || size > 64)
      return "db.*-pool-size must be between 1 and 64";
  if (max_batch == 0)
    return "db.max-batch must be positive";
  if (lock_timeout < std::chrono::milliseconds(1) ||
      idle_transaction_timeout < std::chrono::milliseconds(1))
    return "db.lock-timeout and db.idle-transaction-timeout must be at least 1ms";
  return {};
}

std::string database_settings::session_dsn(const std::string& dsn) const {
  // A DSN with options of its own (or in URI form) is taken as it is.
  if (dsn.find("options") != std::string::npos || dsn.find("://") != std::string::npos)
    return dsn;
  auto ms = [](caf::timespan x) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(x).count());
  };
  return dsn + " options='-c lock_timeout=" + ms(lock_timeout) +
         " -c idle_in_transaction_session_timeout=" + ms(idle_transaction_timeout) + "'";
}

store_settings database_settings::messages() const {
  return {session_dsn(messages_dsn), messages_pool_size, max_batch};
}

store_settings database_settings::commits() const {
  return {session_dsn(rooms_dsn), commit_pool_size, max_batch};
}

store_settings database_settings::membership() const {
  return {session_dsn(rooms_dsn), membership_pool_size, max_batch};
}

store_settings database_settings::users() const {
  return {session_dsn(rooms_dsn), user_pool_size, max_batch};
}

store_settings database_settings::schedules() const {
  return {session_dsn(rooms_dsn), 1, 1};
}

store_settings database_settings::previews() const {
  return {session_dsn(rooms_dsn), 1, 1};
}

store_settings database_settings::streamer() const {
  return {session_dsn(streamer_dsn), 1, 1};
}

} // namespace chat
