#include "protocol/metrics.hpp"

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace chat {

metrics& metrics::instance() {
  static metrics registry;
  return registry;
}

namespace {

void put_value(std::string& out, const char* name, const char* type, const char* help,
               int64_t value, const char* labels = "") {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
  out += name;
  out += labels;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

void put(std::string& out, const char* name, const char* type, const char* help,
         const std::atomic<int64_t>& value, const char* labels = "") {
  put_value(out, name, type, help, value.load(std::memory_order_relaxed), labels);
}

void put_labeled(std::string& out, const char* name, const char* labels,
                 const std::atomic<int64_t>& value) {
  out += name;
  out += labels;
  out += ' ';
  out += std::to_string(value.load(std::memory_order_relaxed));
  out += '\n';
}

/// Resident memory of this process in bytes (Linux: the second field of /proc/self/statm).
int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  if (!(statm >> size >> resident))
    return 0;
  return resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

/// Descriptors this process has open (entries of /proc/self/fd, less the iterator's own).
int64_t open_descriptors() {
  std::error_code err;
  int64_t count = 0;
  for (std::filesystem::directory_iterator i("/proc/self/fd", err), end; !err && i != end;
       i.increment(err))
    ++count;
  return count > 0 ? count - 1 : 0;
}

} // namespace

std::string metrics::render_prometheus() const {
  std::string out;
  out.reserve(4096);
  put(out, "chat_connections_open", "gauge", "Open WebSocket connections.", connections_open);
  put(out, "chat_connections_total", "counter", "WebSocket connections accepted.",
      connections_total);
  put(out, "chat_connections_refused_total", "counter",
      "Connections refused at the connection limit ([http] max-connections).", connections_refused);
  put(out, "chat_tls_handshakes_failed_total", "counter",
      "TLS handshakes that failed or timed out ([http] tls-cert).", tls_handshakes_failed);
  put(out, "chat_http_requests_total", "counter", "HTTP requests served.", http_requests);
  put(out, "chat_origins_refused_total", "counter", "Browser requests refused for their Origin.",
      origins_refused);
  out += "# HELP chat_sockjs_sessions_total SockJS sessions opened, by transport.\n"
         "# TYPE chat_sockjs_sessions_total counter\n";
  put_labeled(out, "chat_sockjs_sessions_total", "{transport=\"websocket\"}",
              sockjs_websocket_sessions);
  put_labeled(out, "chat_sockjs_sessions_total", "{transport=\"xhr_streaming\"}",
              sockjs_xhr_streaming_sessions);
  put_labeled(out, "chat_sockjs_sessions_total", "{transport=\"xhr\"}", sockjs_xhr_sessions);
  put_labeled(out, "chat_sockjs_sessions_total", "{transport=\"eventsource\"}",
              sockjs_eventsource_sessions);
  put(out, "chat_sockjs_http_sessions_open", "gauge", "SockJS sessions on HTTP transports now.",
      sockjs_http_sessions_open);
  put(out, "chat_frames_in_total", "counter", "STOMP frames received.", frames_in);
  put(out, "chat_frames_out_total", "counter", "STOMP frames sent.", frames_out);
  put(out, "chat_slow_consumers_dropped_total", "counter",
      "Connections closed because their outbound queue overflowed.", slow_consumers_dropped);
  put(out, "chat_rate_limited_total", "counter", "Sends refused by the rate limit.", rate_limited);
  out += "# HELP chat_messages_total Messages by outcome.\n# TYPE chat_messages_total counter\n";
  put_labeled(out, "chat_messages_total", "{outcome=\"accepted\"}", messages_accepted);
  put_labeled(out, "chat_messages_total", "{outcome=\"rejected\"}", messages_rejected);
  put_labeled(out, "chat_messages_total", "{outcome=\"saved\"}", messages_saved);
  put_labeled(out, "chat_messages_total", "{outcome=\"failed\"}", messages_failed);
  put_labeled(out, "chat_messages_total", "{outcome=\"duplicate\"}", messages_duplicate);
  put(out, "chat_messages_overloaded_total", "counter",
      "Sends refused as OVERLOADED: the node had room.max-in-flight messages in flight.",
      messages_overloaded);
  put(out, "chat_sagas_running", "gauge", "Sagas in flight.", sagas_running);
  out += "# HELP chat_sagas_total Sagas by final state.\n# TYPE chat_sagas_total counter\n";
  put_labeled(out, "chat_sagas_total", "{state=\"COMPLETED\"}", sagas_completed);
  put_labeled(out, "chat_sagas_total", "{state=\"COMPENSATED\"}", sagas_compensated);
  put_labeled(out, "chat_sagas_total", "{state=\"FAILED\"}", sagas_failed);
  put_labeled(out, "chat_sagas_total", "{state=\"UNDECIDED\"}", sagas_undecided);
  put(out, "chat_saga_latency_microseconds_sum", "counter", "Sum of admission-to-SAVED latencies.",
      saga_latency_sum_us);
  put(out, "chat_saga_latency_microseconds_count", "counter", "Number of SAVED sagas timed.",
      saga_latency_count);
  put(out, "chat_rooms_active", "gauge", "Room actors active on this node.", rooms_active);
  put(out, "chat_message_changes_total", "counter",
      "Message changes (edit, delete, reactions, pins, previews) sent to the store.", changes);
  put(out, "chat_message_change_batches_total", "counter",
      "Transactions of message changes at the commit store.", change_batches);
  put(out, "chat_presence_sessions", "gauge",
      "Sessions the rooms of this node count as present (one per session and room).",
      presence_sessions);
  put(out, "chat_rooms_fenced_total", "counter", "Room actors stopped by the epoch fence.",
      rooms_fenced);
  put(out, "chat_room_commit_batches_total", "counter", "Room commits (transactions).",
      room_commit_batches);
  put(out, "chat_room_commit_messages_total", "counter", "Messages in room commits.",
      room_commit_messages);
  put(out, "chat_outbox_backlog", "gauge", "Unpublished outbox events (last reading).",
      outbox_backlog);
  put(out, "chat_outbox_published_total", "counter", "Outbox events published to Kafka.",
      outbox_published);
  put(out, "chat_outbox_failed_attempts_total", "counter", "Failed publication attempts.",
      outbox_failed_attempts);
  put(out, "chat_outbox_dead_total", "counter", "Outbox events moved to dead letters.",
      outbox_dead);
  put(out, "chat_outbox_publish_latency_microseconds_sum", "counter",
      "Sum of claim-to-delivery-report latencies.", outbox_publish_latency_sum_us);
  put(out, "chat_outbox_publish_latency_microseconds_count", "counter",
      "Number of published events timed.", outbox_publish_latency_count);
  put(out, "chat_recovery_forwarded_total", "counter", "Messages finished forward by recovery.",
      recovery_forwarded);
  put(out, "chat_recovery_aborted_total", "counter", "Messages compensated by recovery.",
      recovery_aborted);
  put(out, "chat_schedules_due_total", "counter", "Scheduled occurrences claimed by this node.",
      schedules_due);
  put(out, "chat_schedules_fired_total", "counter", "Scheduled occurrences sent to their room.",
      schedules_fired);
  put(out, "chat_schedules_sent_total", "counter", "Scheduled occurrences SAVED.", schedules_sent);
  put(out, "chat_schedules_failed_total", "counter", "Scheduled occurrences FAILED for good.",
      schedules_failed);
  put(out, "chat_schedules_retried_total", "counter",
      "Scheduled occurrences given back to be tried again.", schedules_retried);
  put(out, "chat_schedule_late_milliseconds_sum", "counter",
      "Sum of how late fired occurrences were.", schedule_late_ms_sum);
  put(out, "chat_schedule_late_milliseconds_max", "gauge", "The latest a fired occurrence was.",
      schedule_late_ms_max);
  put(out, "chat_previews_fetched_total", "counter", "URL previews fetched.", previews_fetched);
  put(out, "chat_previews_cached_total", "counter", "URL previews served from the cache.",
      previews_cached);
  put(out, "chat_previews_refused_total", "counter",
      "URL previews refused (address, scheme, not HTML, too large, too many redirects).",
      previews_refused);
  put(out, "chat_previews_failed_total", "counter",
      "URL previews that failed (timeout, HTTP error, network, nothing to show).", previews_failed);
  put_value(out, "process_resident_memory_bytes", "gauge", "Resident memory of the node's process.",
            resident_bytes());
  put_value(out, "process_open_fds", "gauge", "Descriptors the node's process has open.",
            open_descriptors());
  return out;
}

} // namespace chat
