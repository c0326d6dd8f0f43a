#include "persistence/kafka/embedded_kafka.hpp"

#include <stdexcept>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace chat {

embedded_kafka::embedded_kafka(int brokers, const std::string& topic, int partitions)
    : brokers_(brokers) {
  char error[512];
  auto* conf = rd_kafka_conf_new();
  // The mock cluster runs on the threads of this (otherwise unused) client handle.
  rd_kafka_conf_set(conf, "log_level", "3", error, sizeof(error));
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (handle_ == nullptr)
    throw std::runtime_error(std::string{"cannot create the Kafka mock host: "} + error);
  cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
  if (cluster_ == nullptr) {
    rd_kafka_destroy(handle_);
    throw std::runtime_error("cannot start the Kafka mock cluster");
  }
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  create_topic(topic, partitions);
}

embedded_kafka::~embedded_kafka() {
  if (cluster_ != nullptr)
    rd_kafka_mock_cluster_destroy(cluster_);
  if (handle_ != nullptr)
    rd_kafka_destroy(handle_);
}

void embedded_kafka::create_topic(const std::string& topic, int partitions) {
  auto err =
    rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, brokers_ < 3 ? brokers_ : 3);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw std::runtime_error("cannot create topic " + topic + ": " + rd_kafka_err2str(err));
}

void embedded_kafka::set_broker_down(int32_t broker_id, bool down) {
  if (down)
    rd_kafka_mock_broker_set_down(cluster_, broker_id);
  else
    rd_kafka_mock_broker_set_up(cluster_, broker_id);
}

void embedded_kafka::fail_next_produces(int count) {
  std::vector<rd_kafka_resp_err_t> errors(static_cast<size_t>(count),
                                          RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  // ApiKey 0 is ProduceRequest.
  rd_kafka_mock_push_request_errors_array(cluster_, int16_t{0}, errors.size(), errors.data());
}

} // namespace chat
