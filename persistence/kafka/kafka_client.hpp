// The idempotent Kafka producer (librdkafka: acks=all, enable.idempotence=true). Blocking:
// produce() waits for the delivery reports; only detached actors use it.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "protocol/types/outbox.hpp"

struct rd_kafka_s;

namespace chat {

/// [kafka] in config/chatd.ini.
struct kafka_settings {
  /// bootstrap.servers; empty: chatd runs the embedded mock cluster.
  std::string brokers;
  std::string topic = "chat.events";
  /// message.timeout.ms: a message without delivery report after this time fails.
  caf::timespan delivery_timeout = std::chrono::seconds(10);
  /// linger.ms: how long the producer waits to fill a batch.
  caf::timespan linger = std::chrono::milliseconds(2);
  /// Partitions and brokers of the embedded cluster.
  size_t partitions = 8;
  size_t mock_brokers = 1;

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;
};

/// The delivery report of one event.
struct delivery {
  bool ok = false;
  std::string error;
  /// Retrying cannot help (e.g. the message is too large): dead-letter at once.
  bool permanent = false;
};

class kafka_client {
public:
  /// Throws std::runtime_error when the producer cannot be created.
  explicit kafka_client(kafka_settings settings);
  ~kafka_client();

  kafka_client(const kafka_client&) = delete;
  kafka_client& operator=(const kafka_client&) = delete;

  /// Produces the events (key = room id; headers eventId, eventType, version) and waits for
  /// all delivery reports, one per event, in order.
  std::vector<delivery> produce(const std::vector<outbox_event>& events);

private:
  void connect();

  kafka_settings settings_;
  std::shared_ptr<rd_kafka_s> producer_;
};

} // namespace chat
