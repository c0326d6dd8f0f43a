// Reading Kafka: a whole topic up to its current end (no consumer group; chatctl verify and
// tests), and a consumer-group member with manual offset commits (chat-streamer). Blocking.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct rd_kafka_s;

namespace chat {

struct kafka_record {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

/// Every record of `topic` present when the call starts, by partition then offset. Throws
/// std::runtime_error if the topic cannot be read within `timeout`.
std::vector<kafka_record> read_topic(const std::string& brokers, const std::string& topic,
                                     std::chrono::milliseconds timeout);

struct consumer_settings {
  std::string brokers;
  std::string topic = "chat.events";
  std::string group_id = "chat-streamer";
  /// Where a group without committed offsets starts: "earliest" or "latest".
  std::string offset_reset = "earliest";
  /// session.timeout.ms: how long the group waits for a silent member (at least 6 s on
  /// brokers with default settings).
  std::chrono::milliseconds session_timeout{10000};
};

/// A member of a consumer group. Offsets are committed only by commit(), never automatically.
class kafka_consumer {
public:
  /// Throws std::runtime_error when the consumer cannot be created or subscribed.
  explicit kafka_consumer(const consumer_settings& settings);
  ~kafka_consumer();

  kafka_consumer(const kafka_consumer&) = delete;
  kafka_consumer& operator=(const kafka_consumer&) = delete;

  /// Waits up to `timeout` for a first record, then takes what is already there, up to `max`.
  std::vector<kafka_record> poll(size_t max, std::chrono::milliseconds timeout);

  /// Commits, synchronously, the offsets after the given records (per partition). Throws
  /// std::runtime_error when the commit fails.
  void commit(const std::vector<kafka_record>& records);

private:
  std::string topic_;
  std::shared_ptr<rd_kafka_s> consumer_;
};

} // namespace chat
