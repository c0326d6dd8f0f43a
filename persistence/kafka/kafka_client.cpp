#include "persistence/kafka/kafka_client.hpp"

#include <stdexcept>

#include <caf/config_option_adder.hpp>
#include <caf/make_config_option.hpp>
#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

namespace chat {

void kafka_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "kafka"}
    .add(brokers, "brokers", "bootstrap servers; empty: the embedded mock cluster")
    .add(topic, "topic", "topic of the chat events")
    .add(partitions, "partitions", "partitions of the topic in the embedded cluster")
    .add(mock_brokers, "mock-brokers", "brokers of the embedded cluster")
    .add(delivery_timeout, "delivery-timeout", "a message without report fails after")
    .add(linger, "linger", "producer linger time");
}

std::string kafka_settings::check() const {
  if (topic.empty())
    return "kafka.topic is missing";
  if (partitions == 0 || mock_brokers == 0)
    return "kafka.partitions and kafka.mock-brokers must be positive";
  if (delivery_timeout <= caf::timespan{0} || linger < caf::timespan{0})
    return "kafka.delivery-timeout must be positive and kafka.linger not negative";
  return {};
}

namespace {

int64_t milliseconds(caf::timespan x) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(x).count();
}

} // namespace

namespace {

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
  if (auto* slot = static_cast<delivery*>(msg->_private)) {
    slot->ok = msg->err == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!slot->ok) {
      slot->error = rd_kafka_err2str(msg->err);
      slot->permanent = msg->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
                        msg->err == RD_KAFKA_RESP_ERR_INVALID_MSG;
    }
  }
}

void set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string{"kafka option "} + key + ": " + error);
  }
}

} // namespace

kafka_client::kafka_client(kafka_settings settings) : settings_(std::move(settings)) {
  connect();
}

kafka_client::~kafka_client() = default;

void kafka_client::connect() {
  auto* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", settings_.brokers);
  set(conf, "enable.idempotence", "true");
  set(conf, "acks", "all");
  set(conf, "linger.ms", std::to_string(milliseconds(settings_.linger)));
  set(conf, "message.timeout.ms", std::to_string(milliseconds(settings_.delivery_timeout)));
  set(conf, "log_level", "3");
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  char error[512];
  auto* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (handle == nullptr)
    throw std::runtime_error(std::string{"cannot create the Kafka producer: "} + error);
  producer_ = std::shared_ptr<rd_kafka_t>(handle, [](rd_kafka_t* rk) {
    rd_kafka_flush(rk, 2000);
    rd_kafka_destroy(rk);
  });
}

std::vector<delivery> kafka_client::produce(const std::vector<outbox_event>& events) {
  auto* rk = producer_.get();
  std::vector<delivery> reports(events.size());
  std::vector<bool> queued(events.size(), false);
  for (size_t i = 0; i < events.size(); ++i) {
    auto& event = events[i];
    auto key = std::to_string(event.room_id);
    auto version = std::to_string(event.version);
    for (;;) {
      auto err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(settings_.topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(event.value.data()), event.value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADER("eventId", event.event_id.data(),
                          static_cast<ssize_t>(event.event_id.size())),
        RD_KAFKA_V_HEADER("eventType", event.event_type.data(),
                          static_cast<ssize_t>(event.event_type.size())),
        RD_KAFKA_V_HEADER("version", version.data(), static_cast<ssize_t>(version.size())),
        RD_KAFKA_V_OPAQUE(&reports[i]), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(rk, 50);
        continue;
      }
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        reports[i].error = rd_kafka_err2str(err);
      else
        queued[i] = true;
      break;
    }
  }
  // Every queued message gets its report within message.timeout.ms; the reports vector must
  // outlive them all.
  while (rd_kafka_outq_len(rk) > 0)
    rd_kafka_flush(rk, static_cast<int>(milliseconds(settings_.delivery_timeout)) + 1000);
  char fatal[512];
  if (rd_kafka_fatal_error(rk, fatal, sizeof(fatal)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::error("kafka producer fatal error, recreating it: {}", fatal);
    connect();
  }
  for (size_t i = 0; i < events.size(); ++i)
    if (queued[i] && !reports[i].ok && reports[i].error.empty())
      reports[i].error = "no delivery report";
  return reports;
}

} // namespace chat
