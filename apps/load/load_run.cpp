#include "apps/load/load_run.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "apps/load/latency_histogram.hpp"
#include "apps/load/process_sample.hpp"
#include "apps/load/sessions.hpp"
#include "protocol/codec/stomp.hpp"

namespace chat::load {

namespace {

using nlohmann::json;
using std::chrono::steady_clock;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           steady_clock::now().time_since_epoch())
    .count();
}

double seconds_since(steady_clock::time_point start) {
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

std::optional<int64_t> parse_index(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < 0)
    return std::nullopt;
  return value;
}

json percentiles_ms(const latency_histogram& histogram) {
  auto ms = [&](double fraction) { return histogram.percentile(fraction) / 1000.0; };
  return {{"p50", ms(0.5)},
          {"p90", ms(0.9)},
          {"p99", ms(0.99)},
          {"p999", ms(0.999)},
          {"max", histogram.max() / 1000.0}};
}

/// CPU of the server, its database and this tool between two samples, in % of one core.
struct cpu_sample {
  steady_clock::time_point at = steady_clock::now();
  double chatd = 0;
  double postgres = 0;
  double tool = 0;

  static cpu_sample take(const json& setup) {
    cpu_sample sample;
    sample.chatd = cpu_seconds(setup.value("chatdPid", 0));
    sample.postgres = cpu_seconds(setup.value("postgresPid", 0), true);
    sample.tool = own_cpu_seconds();
    return sample;
  }

  json percent_since(const cpu_sample& start) const {
    auto wall = std::chrono::duration<double>(at - start.at).count();
    auto percent = [&](double later, double earlier) {
      return wall > 0 ? std::round((later - earlier) / wall * 1000) / 10 : 0.0;
    };
    return {{"chatd", percent(chatd, start.chatd)},
            {"postgres", percent(postgres, start.postgres)},
            {"tool", percent(tool, start.tool)}};
  }
};

// -- rooms -----------------------------------------------------------------------------------

/// What one phase of the ramp saw on one worker (merged over workers for the report).
struct phase_stats {
  latency_histogram saved_latency;
  latency_histogram delivery_latency;
  int64_t sent = 0;
  int64_t saved = 0;
  int64_t failed = 0;
  int64_t deliveries = 0;
  int64_t expected_deliveries = 0;
  std::map<std::string, int64_t> failed_codes;

  void merge(const phase_stats& other) {
    saved_latency.merge(other.saved_latency);
    delivery_latency.merge(other.delivery_latency);
    sent += other.sent;
    saved += other.saved;
    failed += other.failed;
    deliveries += other.deliveries;
    expected_deliveries += other.expected_deliveries;
    for (auto& [code, count] : other.failed_codes)
      failed_codes[code] += count;
  }
};

/// Every send of the run by index (its tempId): when it left and in which phase. Written by
/// the sending worker, read by the workers that receive its answer and its deliveries.
struct send_table {
  explicit send_table(size_t capacity) : sent_at(capacity), phase(capacity), answered(capacity) {}

  std::vector<std::atomic<int64_t>> sent_at;
  std::vector<std::atomic<uint8_t>> phase;
  std::vector<std::atomic<uint8_t>> answered;
  std::atomic<int64_t> next{0};
};

struct sender {
  std::shared_ptr<stomp_client> client;
  int64_t room_id = 0;
  int64_t members = 0;
};

/// A worker's part of the ramp; touched only on its thread.
struct worker_part {
  std::vector<sender> senders;
  std::vector<phase_stats> phases;
  size_t next_sender = 0;
  std::unique_ptr<boost::asio::steady_timer> tick;
};

class rooms_run {
public:
  rooms_run(const json& setup, const run_options& options)
      : setup_(setup), options_(options), parts_(std::max(1, options.threads)), table_(capacity()),
        pool_(options.threads) {
    for (auto& part : parts_)
      part.phases.resize(options.rates.size());
  }

  json run() {
    open();
    json report{{"workload", "rooms"},
                {"rooms", setup_["rooms"].size()},
                {"sessions", counts_.ready.load()},
                {"refused", counts_.refused.load()},
                {"phases", json::array()}};
    double best = 0;
    for (size_t phase = 0; phase < options_.rates.size(); ++phase) {
      auto result = run_phase(phase);
      bool sustainable = result["sustainable"];
      if (sustainable)
        best = std::max(best, options_.rates[phase]);
      report["phases"].push_back(std::move(result));
      std::fprintf(stderr, "%s\n", report["phases"].back().dump().c_str());
      if (!sustainable && options_.stop_when_unsustainable)
        break;
    }
    report["highestSustainableRate"] = best;
    report["dropped"] = counts_.dropped.load();
    report["closeReasons"] = counts_.reasons;
    for (auto& client : clients_)
      client->close();
    for (size_t worker = 0; worker < pool_.size(); ++worker)
      pool_.run_on(worker, [&, worker] {
        // Sockets and timers go while their io_context is still there.
        parts_[worker].tick.reset();
        parts_[worker].senders.clear();
      });
    return report;
  }

private:
  size_t capacity() const {
    double total = 0;
    for (auto rate : options_.rates)
      total += rate * options_.seconds;
    return static_cast<size_t>(total * 1.1) + 1000;
  }

  void open() {
    std::vector<session_spec> specs;
    std::vector<std::pair<size_t, sender>> sender_sessions; // (session index, sender)
    for (auto& room : setup_["rooms"]) {
      int64_t room_id = room["id"];
      auto& members = room["members"];
      int64_t senders = room.value("senders", static_cast<int64_t>(members.size()));
      for (size_t m = 0; m < members.size(); ++m) {
        session_spec spec;
        spec.options.host = setup_.value("host", "127.0.0.1");
        spec.options.port = setup_["port"];
        spec.options.access_token = members[m]["token"];
        spec.options.destinations = {"/topic/messages/" + std::to_string(room_id)};
        auto worker = specs.size() % pool_.size();
        if (static_cast<int64_t>(m) < senders) {
          spec.options.destinations.push_back("/topic/message/status/" + std::to_string(room_id));
          sender_sessions.push_back(
            {specs.size(), sender{nullptr, room_id, static_cast<int64_t>(members.size())}});
        }
        spec.on_message = [this, worker](const stomp_frame& frame) { received(worker, frame); };
        specs.push_back(std::move(spec));
      }
    }
    clients_ = open_sessions(pool_, std::move(specs), options_.concurrency, counts_);
    for (auto& [session, entry] : sender_sessions) {
      entry.client = clients_[session];
      auto worker = session % pool_.size();
      pool_.run_on(worker, [&, worker] { parts_[worker].senders.push_back(entry); });
    }
  }

  json run_phase(size_t phase) {
    double rate = options_.rates[phase];
    auto start = cpu_sample::take(setup_);
    auto started = steady_clock::now();
    for (size_t worker = 0; worker < pool_.size(); ++worker)
      pool_.run_on(worker, [&, worker] { pace(worker, phase, rate / pool_.size(), started); });
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.seconds));
    auto end = cpu_sample::take(setup_);
    auto rss = resident_bytes(setup_.value("chatdPid", 0));
    // The rest of the answers and deliveries, or the drain time.
    phase_stats total;
    auto drain_start = steady_clock::now();
    do {
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
      total = snapshot(phase);
    } while (
      (total.saved + total.failed < total.sent || total.deliveries < total.expected_deliveries) &&
      seconds_since(drain_start) < options_.drain_seconds);
    auto unanswered = total.sent - total.saved - total.failed;
    auto undelivered = total.expected_deliveries - total.deliveries;
    auto delivery = percentiles_ms(total.delivery_latency);
    bool sustainable = total.failed == 0 && unanswered == 0 && undelivered == 0 &&
                       delivery["p99"].get<double>() <= options_.sustainable_p99_ms;
    return {{"offeredRate", rate},
            {"seconds", options_.seconds},
            {"sent", total.sent},
            {"sentRate", std::round(total.sent / options_.seconds)},
            {"saved", total.saved},
            {"failed", total.failed},
            {"failedCodes", total.failed_codes},
            {"unanswered", unanswered},
            {"deliveries", total.deliveries},
            {"undelivered", undelivered},
            {"deliveriesPerSecond", std::round(total.deliveries / options_.seconds)},
            {"savedMs", percentiles_ms(total.saved_latency)},
            {"deliveryMs", delivery},
            {"cpuPercent", end.percent_since(start)},
            {"chatdRssMiB", std::round(rss / 1048576.0 * 10) / 10},
            {"sustainable", sustainable}};
  }

  phase_stats snapshot(size_t phase) {
    phase_stats total;
    for (size_t worker = 0; worker < pool_.size(); ++worker)
      pool_.run_on(worker, [&, worker] { total.merge(parts_[worker].phases[phase]); });
    return total;
  }

  // Open loop: every millisecond, the sends that are due by now leave, whatever the answers.
  void pace(size_t worker, size_t phase, double rate, steady_clock::time_point started,
            int64_t sent_here = 0) {
    auto& part = parts_[worker];
    if (!part.tick)
      part.tick = std::make_unique<boost::asio::steady_timer>(pool_.at(worker));
    auto elapsed = seconds_since(started);
    auto due = static_cast<int64_t>(rate * std::min(elapsed, options_.seconds)) - sent_here;
    for (int64_t i = 0; i < due; ++i, ++sent_here)
      send_one(part, phase);
    if (elapsed >= options_.seconds)
      return;
    part.tick->expires_after(std::chrono::milliseconds{1});
    part.tick->async_wait([=, this](boost::system::error_code error) {
      if (!error)
        pace(worker, phase, rate, started, sent_here);
    });
  }

  void send_one(worker_part& part, size_t phase) {
    for (size_t tries = 0; tries < part.senders.size(); ++tries) {
      auto& target = part.senders[part.next_sender++ % part.senders.size()];
      if (!target.client->open())
        continue;
      auto index = table_.next.fetch_add(1);
      if (index >= static_cast<int64_t>(table_.sent_at.size()))
        return;
      table_.phase[index].store(static_cast<uint8_t>(phase), std::memory_order_relaxed);
      table_.sent_at[index].store(now_ns(), std::memory_order_release);
      auto id = std::to_string(index);
      target.client->send("/app/chat", "{\"roomId\":" + std::to_string(target.room_id) +
                                         ",\"content\":\"load " + id + "\",\"tempId\":\"" + id +
                                         "\"}");
      ++part.phases[phase].sent;
      return;
    }
  }

  void received(size_t worker, const stomp_frame& frame) {
    auto at = now_ns();
    auto* destination = frame.header("destination");
    if (!destination)
      return;
    auto body = json::parse(frame.body, nullptr, false);
    if (!body.is_object())
      return;
    auto& part = parts_[worker];
    if (destination->rfind("/topic/message/status/", 0) == 0) {
      auto status = body.value("status", "");
      if (status != "SAVED" && status != "FAILED")
        return;
      auto index = parse_index(body.value("tempId", ""));
      if (!index || *index >= table_.next.load() || table_.answered[*index].exchange(1) != 0)
        return;
      auto& stats = part.phases[table_.phase[*index].load()];
      if (status == "SAVED") {
        ++stats.saved;
        stats.saved_latency.record((at - table_.sent_at[*index].load(std::memory_order_acquire)) /
                                   1000);
        stats.expected_deliveries += members_of(part, body.value("roomId", int64_t{0}));
      } else {
        ++stats.failed;
        ++stats.failed_codes[body.value("errorCode", "?")];
      }
    } else {
      auto content = body.value("content", "");
      if (content.rfind("load ", 0) != 0)
        return;
      auto index = parse_index(std::string_view{content}.substr(5));
      if (!index || *index >= table_.next.load())
        return;
      auto& stats = part.phases[table_.phase[*index].load()];
      ++stats.deliveries;
      stats.delivery_latency.record((at - table_.sent_at[*index].load(std::memory_order_acquire)) /
                                    1000);
    }
  }

  int64_t members_of(const worker_part& part, int64_t room_id) const {
    for (auto& entry : part.senders)
      if (entry.room_id == room_id)
        return entry.members;
    return 0;
  }

  // The workers' handlers use everything above pool_: it stops them before that goes.
  const json& setup_;
  run_options options_;
  session_counts counts_;
  std::vector<worker_part> parts_;
  send_table table_;
  worker_pool pool_;
  std::vector<std::shared_ptr<stomp_client>> clients_;
};

} // namespace

json run_rooms(const json& setup, const run_options& options) {
  rooms_run run{setup, options};
  return run.run();
}

// -- idle ------------------------------------------------------------------------------------

json run_idle(const json& setup, const run_options& options) {
  session_counts counts;
  worker_pool pool{options.threads};
  auto chatd = setup.value("chatdPid", 0);
  auto& users = setup["users"];
  int64_t room_id = setup["roomId"];
  std::vector<session_spec> specs;
  for (int i = 0; i < options.sessions; ++i) {
    session_spec spec;
    spec.options.host = setup.value("host", "127.0.0.1");
    spec.options.port = setup["port"];
    if (options.sources > 1)
      spec.options.source_address = "127.0.0." + std::to_string(1 + i % options.sources);
    spec.options.access_token = users[static_cast<size_t>(i) % users.size()]["token"];
    spec.options.heart_beat_ms = options.heart_beat_ms;
    spec.options.destinations = {"/topic/messages/" + std::to_string(room_id)};
    specs.push_back(std::move(spec));
  }
  auto rss_before = resident_bytes(chatd);
  // RSS against sessions open, for the slope (memory per session) and its projection.
  json points = json::array();
  int step = std::max(1, options.sessions / 20);
  int next_point = step;
  auto started = steady_clock::now();
  auto clients = open_sessions(pool, std::move(specs), options.concurrency, counts, [&](int ready) {
    if (ready >= next_point) {
      points.push_back({{"sessions", ready}, {"rssBytes", resident_bytes(chatd)}});
      next_point = ready + step;
    }
  });
  auto open_seconds = seconds_since(started);
  std::this_thread::sleep_for(std::chrono::seconds{2});
  auto rss_open = resident_bytes(chatd);
  auto hold_start = cpu_sample::take(setup);
  std::this_thread::sleep_for(std::chrono::duration<double>(options.hold_seconds));
  auto hold_end = cpu_sample::take(setup);
  auto ready = counts.ready.load();
  auto dropped = counts.dropped.load();
  // Least squares over (sessions, RSS).
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (auto& point : points) {
    double x = point["sessions"];
    double y = point["rssBytes"];
    n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  double slope = n > 1 && n * sxx - sx * sx > 0 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0;
  double intercept = n > 0 ? (sy - slope * sx) / n : 0;
  for (auto& client : clients)
    client->close();
  return {{"workload", "idle"},
          {"sessions", options.sessions},
          {"ready", ready},
          {"refused", counts.refused.load()},
          {"droppedWhileHeld", dropped},
          {"closeReasons", counts.reasons},
          {"openSeconds", open_seconds},
          {"opensPerSecond", std::round(ready / open_seconds)},
          {"rssBeforeMiB", rss_before / 1048576.0},
          {"rssOpenMiB", rss_open / 1048576.0},
          {"kibPerSession", ready > 0 ? (rss_open - rss_before) / 1024.0 / ready : 0.0},
          {"kibPerSessionSlope", slope / 1024},
          {"projectedRssMiBAt100k", (intercept + slope * 100000) / 1048576.0},
          {"rssPoints", points},
          {"heartBeatMs", options.heart_beat_ms},
          {"holdSeconds", options.hold_seconds},
          {"holdCpuPercent", hold_end.percent_since(hold_start)}};
}

} // namespace chat::load
