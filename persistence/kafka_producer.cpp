#include "persistence/kafka_producer.hpp"

#include <stdexcept>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include "persistence/fault_points.hpp"
#include "persistence/store_error.hpp"

namespace chat {

namespace {

/// Where the delivery report of one message lands.
struct delivery_slot {
  bool reported = false;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
  if (auto* slot = static_cast<delivery_slot*>(msg->_private)) {
    slot->reported = true;
    slot->error = msg->err;
  }
}

void set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string{"kafka option "} + key + ": " + error);
  }
}

bool permanent(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE || err == RD_KAFKA_RESP_ERR_INVALID_MSG;
}

} // namespace

void kafka_producer_state::connect() {
  auto* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", settings.brokers);
  set(conf, "enable.idempotence", "true");
  set(conf, "acks", "all");
  set(conf, "linger.ms", std::to_string(settings.linger.count()));
  set(conf, "message.timeout.ms", std::to_string(settings.delivery_timeout.count()));
  set(conf, "log_level", "3");
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  char error[512];
  auto* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (handle == nullptr)
    throw std::runtime_error(std::string{"cannot create the Kafka producer: "} + error);
  producer = std::shared_ptr<rd_kafka_t>(handle, [](rd_kafka_t* rk) {
    rd_kafka_flush(rk, 2000);
    rd_kafka_destroy(rk);
  });
}

kafka_producer_actor::behavior_type
kafka_producer(kafka_producer_actor::stateful_pointer<kafka_producer_state> self,
               kafka_settings settings) {
  self->state.settings = std::move(settings);
  self->state.connect();
  return {
      [=](produce_atom, const std::vector<outbox_event>& events) -> caf::result<publish_report> {
        publish_report report;
        try {
          fault_registry::instance().hit(fault_point::kafka_produce);
        } catch (const store_error& e) {
          for (auto& event : events)
            report.failed.push_back(publish_failure{event.id, e.what(), false});
          return report;
        } catch (const worker_crash& e) {
          auto err = make_error(chat_errc::worker_crashed, e.what());
          self->quit(err);
          return err;
        }
        auto* rk = self->state.producer.get();
        auto& topic = self->state.settings.topic;
        std::vector<delivery_slot> slots(events.size());
        std::vector<std::string> produce_errors(events.size());
        for (size_t i = 0; i < events.size(); ++i) {
          auto& event = events[i];
          auto key = std::to_string(event.room_id);
          auto version = std::to_string(event.version);
          for (;;) {
            auto err = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
                RD_KAFKA_V_VALUE(const_cast<char*>(event.value.data()), event.value.size()),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_HEADER("eventId", event.event_id.data(),
                                  static_cast<ssize_t>(event.event_id.size())),
                RD_KAFKA_V_HEADER("eventType", event.event_type.data(),
                                  static_cast<ssize_t>(event.event_type.size())),
                RD_KAFKA_V_HEADER("version", version.data(), static_cast<ssize_t>(version.size())),
                RD_KAFKA_V_OPAQUE(&slots[i]), RD_KAFKA_V_END);
            if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
              rd_kafka_poll(rk, 50);
              continue;
            }
            if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
              slots[i].reported = true;
              slots[i].error = err;
            }
            break;
          }
        }
        // Every message gets a report within message.timeout.ms; the slots must outlive them.
        while (rd_kafka_outq_len(rk) > 0)
          rd_kafka_flush(rk,
                         static_cast<int>(self->state.settings.delivery_timeout.count()) + 1000);
        for (size_t i = 0; i < events.size(); ++i) {
          if (slots[i].reported && slots[i].error == RD_KAFKA_RESP_ERR_NO_ERROR)
            report.published.push_back(events[i].id);
          else
            report.failed.push_back(publish_failure{
                events[i].id, slots[i].reported ? rd_kafka_err2str(slots[i].error) : "no report",
                slots[i].reported && permanent(slots[i].error)});
        }
        char fatal[512];
        if (rd_kafka_fatal_error(rk, fatal, sizeof(fatal)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          spdlog::error("kafka producer fatal error, recreating it: {}", fatal);
          self->state.connect();
        }
        return report;
      },
  };
}

} // namespace chat
