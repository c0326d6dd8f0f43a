// The invariants of the brief, checked against the stores, the Kafka topic and (optionally)
// what clients were told. Used by `chatctl verify`.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace chat {

struct invariant_result {
  std::string name;
  std::string description;
  /// Violations (0: the invariant holds).
  int64_t count = 0;
  /// A few violating items, for the report.
  std::vector<std::string> examples;

  bool ok() const { return count == 0; }
};

struct verify_options {
  std::string messages_dsn;
  std::string rooms_dsn;
  /// Empty: the topic is not read (and the checks that need it are skipped).
  std::string brokers;
  std::string topic = "chat.events";
  /// Pending messages (and unpublished events) older than this are violations.
  std::chrono::milliseconds max_pending_age{60000};
  /// JSON lines {senderId, tempId, status, persistedId?, seq?} recorded by clients.
  std::string client_log;
};

struct verify_report {
  // A deque: checks hold references to their results while later ones are added.
  std::deque<invariant_result> results;
  /// Figures for the record: messages, rooms, events ...
  std::vector<std::pair<std::string, int64_t>> figures;

  bool ok() const;
  std::string text() const;
  std::string json() const;
};

/// Reads everything and checks. Throws std::runtime_error when a store cannot be read.
verify_report verify(const verify_options& options);

} // namespace chat
