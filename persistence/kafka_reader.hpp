// Reads a whole Kafka topic from the beginning up to its current end (no consumer group).
// Blocking; for tools (chatctl verify) and tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

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

} // namespace chat
