// Settings of the stores: the databases, their session limits, and one worker pool per store
// (each worker owns one connection), so that no store's queries queue behind another's.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

namespace chat {

/// What one store actor needs: where its database is, its workers and its batches.
struct store_settings {
  /// libpq connection string (with the session limits of database_settings::session_dsn).
  std::string dsn;
  /// Workers, each with its own connection.
  size_t pool_size = 2;
  /// Most requests of one kind written in one transaction.
  size_t max_batch = 512;
};

/// The [db] section.
struct database_settings {
  std::string messages_dsn = "host=127.0.0.1 port=5433 user=shoot dbname=shoot_messages";
  std::string rooms_dsn = "host=127.0.0.1 port=5433 user=shoot dbname=shoot_rooms";
  /// chat-streamer's store (mention notifications); empty: none.
  std::string streamer_dsn;
  bool create_databases = true;
  /// Workers of the messages store (saga steps 1 and 3, history).
  size_t messages_pool_size = 2;
  /// Workers of the commit store (saga step 2, claims, recovery decisions).
  size_t commit_pool_size = 2;
  /// Workers of the membership store (REST queries on rooms and members).
  size_t membership_pool_size = 2;
  /// Workers of the user store (sign-ups, logins).
  size_t user_pool_size = 1;
  size_t max_batch = 512;
  caf::timespan lock_timeout = std::chrono::seconds(2);
  caf::timespan idle_transaction_timeout = std::chrono::seconds(10);

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;

  /// A DSN with the session limits (lock and idle-transaction timeouts) added.
  std::string session_dsn(const std::string& dsn) const;

  store_settings messages() const;
  store_settings commits() const;
  store_settings membership() const;
  store_settings users() const;
  /// The schedule store (rooms database, one worker).
  store_settings schedules() const;
  /// The URL preview cache (rooms database, one worker).
  store_settings previews() const;
  /// chat-streamer's store as chatd reads it (one worker).
  store_settings streamer() const;
};

} // namespace chat
