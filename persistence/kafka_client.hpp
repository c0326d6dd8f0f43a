// The idempotent Kafka producer (librdkafka: acks=all, enable.idempotence=true). Blocking:
// produce() waits for the delivery reports; only detached actors use it.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "protocol/outbox.hpp"

struct rd_kafka_s;

namespace chat {

struct kafka_settings {
  /// bootstrap.servers.
  std::string brokers;
  std::string topic = "chat.events";
  /// message.timeout.ms: a message without delivery report after this time fails.
  std::chrono::milliseconds delivery_timeout{10000};
  /// linger.ms: how long the producer waits to fill a batch.
  std::chrono::milliseconds linger{2};
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
