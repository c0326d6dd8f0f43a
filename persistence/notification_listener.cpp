#include "persistence/notification_listener.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "persistence/db_connection.hpp"

namespace chat {

class outbox_notification_receiver : public pqxx::notification_receiver {
public:
  outbox_notification_receiver(pqxx::connection_base& conn, bool& flag)
      : pqxx::notification_receiver(conn, "outbox"), flag_(flag) {
    // nop
  }

  void operator()(const std::string&, int) override { flag_ = true; }

private:
  bool& flag_;
};

notification_listener_state::notification_listener_state() = default;

notification_listener_state::~notification_listener_state() {
  // The receiver unregisters from its connection: destroy it first.
  receiver.reset();
  connection.reset();
}

notification_listener_actor::behavior_type notification_listener(
    notification_listener_actor::stateful_pointer<notification_listener_state> self,
    std::string dsn, outbox_relay_actor relay) {
  self->state.relay = std::move(relay);
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
                std::make_unique<outbox_notification_receiver>(st.connection->get(), st.notified);
            // Rows may have arrived while we were not listening.
            self->send(st.relay, wake_atom::value);
          }
          st.connection->get().await_notification(0, 250000);
          if (st.notified) {
            st.notified = false;
            self->send(st.relay, wake_atom::value);
          }
          self->send(self, listen_atom::value);
        } catch (const std::exception& e) {
          spdlog::debug("outbox listener: {}; retrying in 1s", e.what());
          st.receiver.reset();
          st.connection->reset();
          self->delayed_send(self, std::chrono::seconds(1), listen_atom::value);
        }
      },
  };
}

} // namespace chat
