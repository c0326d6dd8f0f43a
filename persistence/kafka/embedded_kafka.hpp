// The embedded Kafka: librdkafka's mock cluster, in-process, on loopback. A real Kafka
// wire-protocol endpoint (kcat and any librdkafka client can use it) that lives as long as
// this object. Also the handle for broker-level fault injection in tests.
#pragma once

#include <cstdint>
#include <string>

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace chat {

class embedded_kafka {
public:
  /// Starts `brokers` mock brokers and creates `topic` with `partitions` partitions.
  /// Throws std::runtime_error on failure.
  embedded_kafka(int brokers, const std::string& topic, int partitions);
  ~embedded_kafka();

  embedded_kafka(const embedded_kafka&) = delete;
  embedded_kafka& operator=(const embedded_kafka&) = delete;

  /// Comma-separated host:port list for bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }

  int brokers() const { return brokers_; }

  /// Takes a broker down (connections closed, new ones refused) or brings it back.
  void set_broker_down(int32_t broker_id, bool down);

  /// Makes the next `count` Produce requests fail with a retriable error
  /// (NOT_ENOUGH_REPLICAS), as librdkafka's mock API allows.
  void fail_next_produces(int count);

  /// Creates a further topic.
  void create_topic(const std::string& topic, int partitions);

private:
  rd_kafka_s* handle_ = nullptr;
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
  std::string bootstrap_;
  int brokers_ = 0;
};

} // namespace chat
