// Process-wide counters for /metrics (Prometheus text format). Lock-free increments.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace chat {

struct metrics {
  // Messages.
  std::atomic<int64_t> messages_accepted{0};
  std::atomic<int64_t> messages_rejected{0};
  /// Refused because the node had max-in-flight messages in flight (also counted as rejected).
  std::atomic<int64_t> messages_overloaded{0};
  std::atomic<int64_t> messages_saved{0};
  std::atomic<int64_t> messages_failed{0};
  std::atomic<int64_t> messages_duplicate{0};
  // Sagas by final state, and currently running.
  std::atomic<int64_t> sagas_running{0};
  std::atomic<int64_t> sagas_completed{0};
  std::atomic<int64_t> sagas_compensated{0};
  std::atomic<int64_t> sagas_failed{0};
  std::atomic<int64_t> sagas_undecided{0};
  // Saga latency (admission to SAVED), microseconds.
  std::atomic<int64_t> saga_latency_sum_us{0};
  std::atomic<int64_t> saga_latency_count{0};
  // Rooms.
  std::atomic<int64_t> rooms_active{0};
  std::atomic<int64_t> rooms_fenced{0};
  std::atomic<int64_t> room_commit_batches{0};
  std::atomic<int64_t> room_commit_messages{0};
  /// Message changes (edit, delete, reactions, pins, previews) and their store batches.
  std::atomic<int64_t> changes{0};
  std::atomic<int64_t> change_batches{0};
  /// Open sessions the rooms of this node count for presence (one per session and room).
  std::atomic<int64_t> presence_sessions{0};
  // Outbox.
  std::atomic<int64_t> outbox_published{0};
  std::atomic<int64_t> outbox_failed_attempts{0};
  std::atomic<int64_t> outbox_dead{0};
  std::atomic<int64_t> outbox_backlog{0};
  std::atomic<int64_t> outbox_publish_latency_sum_us{0};
  std::atomic<int64_t> outbox_publish_latency_count{0};
  // Recovery.
  std::atomic<int64_t> recovery_forwarded{0};
  std::atomic<int64_t> recovery_aborted{0};
  // Gateway.
  std::atomic<int64_t> connections_open{0};
  /// Browser requests and upgrades refused for their Origin.
  std::atomic<int64_t> origins_refused{0};
  /// Connections refused at the connection limit (upgrades answered 503, or closed at once).
  std::atomic<int64_t> connections_refused{0};
  std::atomic<int64_t> tls_handshakes_failed{0};
  std::atomic<int64_t> connections_total{0};
  std::atomic<int64_t> frames_in{0};
  std::atomic<int64_t> frames_out{0};
  std::atomic<int64_t> slow_consumers_dropped{0};
  std::atomic<int64_t> rate_limited{0};
  std::atomic<int64_t> http_requests{0};
  /// SockJS sessions opened, by transport.
  std::atomic<int64_t> sockjs_websocket_sessions{0};
  std::atomic<int64_t> sockjs_xhr_streaming_sessions{0};
  std::atomic<int64_t> sockjs_xhr_sessions{0};
  std::atomic<int64_t> sockjs_eventsource_sessions{0};
  /// SockJS sessions on HTTP transports now.
  std::atomic<int64_t> sockjs_http_sessions_open{0};

  std::atomic<int64_t> schedules_due{0};
  std::atomic<int64_t> schedules_fired{0};
  std::atomic<int64_t> schedules_sent{0};
  std::atomic<int64_t> schedules_failed{0};
  std::atomic<int64_t> schedules_retried{0};
  std::atomic<int64_t> schedule_late_ms_sum{0};
  std::atomic<int64_t> schedule_late_ms_max{0};

  std::atomic<int64_t> previews_fetched{0};
  std::atomic<int64_t> previews_cached{0};
  std::atomic<int64_t> previews_refused{0};
  std::atomic<int64_t> previews_failed{0};

  /// The process-wide instance.
  static metrics& instance();

  /// All counters in Prometheus text exposition format.
  std::string render_prometheus() const;
};

} // namespace chat
