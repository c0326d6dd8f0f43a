#include "persistence/db/notification_listener.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "persistence/db/connection.hpp"

namespace chat {

class channel_receiver : public pqxx::notification_receiver {
public:
  channel_receiver(pqxx::connection_base& conn, const std::string& channel,
                   std::vector<std::string>& received)
      : pqxx::notification_receiver(conn, channel), received_(received) {
    // nop
  }

  void operator()(const std::string& payload, int) override { received_.push_back(payload); }

private:
  std::vector<std::string>& received_;
};

notification_listener_state::notification_listener_state() = default;

notification_listener_state::~notification_listener_state() {
  // The receiver unregisters from its connection: destroy it first.
  receiver.reset();
  connection.reset();
}

notification_listener_actor::behavior_type notification_listener(
  notification_listener_actor::stateful_pointer<notification_listener_state> self, std::string dsn,
  std::string channel, notification_callbacks callbacks) {
  self->state.channel = std::move(channel);
  self->state.callbacks = std::move(callbacks);
  self->state.connection = std::make_unique<db_connection>(std::move(dsn));
  self->send(self, listen_atom::value);
  return {
    [=](listen_atom) {
      auto& st = self->state;
      try {
        if (!st.receiver || !st.connection->connected()) {
          st.receiver.reset();
          st.connection->reset();
          st.receiver =
            std::make_unique<channel_receiver>(st.connection->get(), st.channel, st.received);
          if (st.callbacks.on_listening)
            st.callbacks.on_listening();
        }
        st.connection->get().await_notification(0, 250000);
        auto received = std::move(st.received);
        st.received.clear();
        if (st.callbacks.on_notification)
          for (auto& payload : received)
            st.callbacks.on_notification(payload);
        self->send(self, listen_atom::value);
      } catch (const std::exception& e) {
        spdlog::debug("listener of {}: {}; retrying in 1s", st.channel, e.what());
        st.receiver.reset();
        st.connection->reset();
        self->delayed_send(self, std::chrono::seconds(1), listen_atom::value);
      }
    },
  };
}

} // namespace chat
