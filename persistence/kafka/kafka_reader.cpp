#include "persistence/kafka/kafka_reader.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <librdkafka/rdkafka.h>

#include "protocol/uuid.hpp"

namespace chat {

namespace {

void set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK)
    throw std::runtime_error(std::string{"kafka option "} + key + ": " + error);
}

kafka_record record_of(const rd_kafka_message_t* msg) {
  kafka_record record;
  record.partition = msg->partition;
  record.offset = msg->offset;
  if (msg->key != nullptr)
    record.key.assign(static_cast<const char*>(msg->key), msg->key_len);
  if (msg->payload != nullptr)
    record.value.assign(static_cast<const char*>(msg->payload), msg->len);
  rd_kafka_headers_t* headers = nullptr;
  // The headers belong to the message; rd_kafka_message_headers only wants a non-const one.
  if (rd_kafka_message_headers(const_cast<rd_kafka_message_t*>(msg), &headers) ==
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i)
      record.headers[name] =
        value != nullptr ? std::string{static_cast<const char*>(value), size} : std::string{};
  }
  return record;
}

} // namespace

std::vector<kafka_record> read_topic(const std::string& brokers, const std::string& topic,
                                     std::chrono::milliseconds timeout) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + timeout;
  auto remaining = [&] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    return static_cast<int>(std::max<int64_t>(left.count(), 1));
  };
  auto* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", brokers);
  set(conf, "group.id", "chat-reader-" + make_uuid());
  set(conf, "enable.auto.commit", "false");
  set(conf, "log_level", "3");
  char error[512];
  std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> consumer{
    rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof(error)), [](rd_kafka_t* rk) {
      rd_kafka_consumer_close(rk);
      rd_kafka_destroy(rk);
    }};
  if (!consumer)
    throw std::runtime_error(std::string{"cannot create a Kafka consumer: "} + error);
  auto* rk = consumer.get();
  // Partitions of the topic.
  std::unique_ptr<rd_kafka_topic_t, void (*)(rd_kafka_topic_t*)> handle{
    rd_kafka_topic_new(rk, topic.c_str(), nullptr), rd_kafka_topic_destroy};
  const rd_kafka_metadata_t* metadata = nullptr;
  auto err = rd_kafka_metadata(rk, 0, handle.get(), &metadata, remaining());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw std::runtime_error(std::string{"kafka metadata: "} + rd_kafka_err2str(err));
  std::vector<int32_t> partitions;
  for (int i = 0; i < metadata->topic_cnt; ++i)
    if (topic == metadata->topics[i].topic)
      for (int j = 0; j < metadata->topics[i].partition_cnt; ++j)
        partitions.push_back(metadata->topics[i].partitions[j].id);
  rd_kafka_metadata_destroy(metadata);
  // Where each partition ends now.
  std::map<int32_t, int64_t> end;
  auto* assignment = rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
  for (auto p : partitions) {
    int64_t low = 0;
    int64_t high = 0;
    err = rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, remaining());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_topic_partition_list_destroy(assignment);
      throw std::runtime_error(std::string{"kafka watermarks: "} + rd_kafka_err2str(err));
    }
    if (high > low) {
      end[p] = high;
      rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset = low;
    }
  }
  std::vector<kafka_record> result;
  if (end.empty()) {
    rd_kafka_topic_partition_list_destroy(assignment);
    return result;
  }
  rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  std::map<int32_t, int64_t> next; // next offset to read per partition
  auto done = [&] {
    for (auto& [p, high] : end)
      if (next[p] < high)
        return false;
    return true;
  };
  while (!done()) {
    if (clock::now() >= deadline)
      throw std::runtime_error("timeout while reading topic " + topic);
    auto* msg = rd_kafka_consumer_poll(rk, 100);
    if (msg == nullptr)
      continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR && end.count(msg->partition) > 0 &&
        msg->offset < end[msg->partition]) {
      next[msg->partition] = msg->offset + 1;
      result.push_back(record_of(msg));
    }
    rd_kafka_message_destroy(msg);
  }
  return result;
}

kafka_consumer::kafka_consumer(const consumer_settings& settings) : topic_(settings.topic) {
  auto* conf = rd_kafka_conf_new();
  try {
    set(conf, "bootstrap.servers", settings.brokers);
    set(conf, "group.id", settings.group_id);
    set(conf, "enable.auto.commit", "false");
    set(conf, "auto.offset.reset", settings.offset_reset);
    // A member that dies without leaving loses its partitions after this long.
    set(conf, "session.timeout.ms", std::to_string(settings.session_timeout.count()));
    set(conf, "heartbeat.interval.ms", std::to_string(settings.session_timeout.count() / 10));
    set(conf, "log_level", "3");
  } catch (...) {
    rd_kafka_conf_destroy(conf);
    throw;
  }
  char error[512];
  auto* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof(error));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string{"cannot create a Kafka consumer: "} + error);
  }
  consumer_.reset(rk, [](rd_kafka_t* x) {
    rd_kafka_consumer_close(x);
    rd_kafka_destroy(x);
  });
  rd_kafka_poll_set_consumer(rk);
  auto* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic_.c_str(), RD_KAFKA_PARTITION_UA);
  auto err = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw std::runtime_error(std::string{"kafka subscribe: "} + rd_kafka_err2str(err));
}

kafka_consumer::~kafka_consumer() = default;

std::vector<kafka_record> kafka_consumer::poll(size_t max, std::chrono::milliseconds timeout) {
  std::vector<kafka_record> result;
  auto wait = static_cast<int>(timeout.count());
  while (result.size() < max) {
    auto* msg = rd_kafka_consumer_poll(consumer_.get(), result.empty() ? wait : 0);
    if (msg == nullptr)
      break;
    std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> guard{
      msg, rd_kafka_message_destroy};
    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
      continue;
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Transient consumer errors (a broker down) are retried by librdkafka itself.
      if (result.empty())
        break;
      continue;
    }
    result.push_back(record_of(msg));
  }
  return result;
}

void kafka_consumer::commit(const std::vector<kafka_record>& records) {
  std::map<int32_t, int64_t> next;
  for (auto& record : records)
    next[record.partition] = std::max(next[record.partition], record.offset + 1);
  if (next.empty())
    return;
  auto* offsets = rd_kafka_topic_partition_list_new(static_cast<int>(next.size()));
  for (auto& [partition, offset] : next)
    rd_kafka_topic_partition_list_add(offsets, topic_.c_str(), partition)->offset = offset;
  auto err = rd_kafka_commit(consumer_.get(), offsets, 0);
  rd_kafka_topic_partition_list_destroy(offsets);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw std::runtime_error(std::string{"kafka offset commit: "} + rd_kafka_err2str(err));
}

} // namespace chat
