#include "persistence/faults/fault_points.hpp"

#include <charconv>
#include <cstdlib>
#include <random>
#include <thread>

#include "persistence/db/store_error.hpp"
#include "protocol/clock.hpp"

namespace chat {

const std::vector<std::string>& fault_point_names() {
  static const std::vector<std::string> names{
    fault_point::message_insert,  fault_point::message_finalize, fault_point::message_delete,
    fault_point::room_commit,     fault_point::outbox_claim,     fault_point::kafka_produce,
    fault_point::room_change,     fault_point::message_apply,    fault_point::schedule_claim,
    fault_point::schedule_finish,
  };
  return names;
}

std::optional<fault_spec> parse_fault_spec(std::string_view text, std::string& error) {
  fault_spec result;
  auto cut = [&](char sep) -> std::optional<std::string_view> {
    auto pos = text.find(sep);
    if (pos == std::string_view::npos)
      return std::nullopt;
    auto tail = text.substr(pos + 1);
    text = text.substr(0, pos);
    return tail;
  };
  if (auto p = cut('@')) {
    std::string copy{*p};
    char* end = nullptr;
    result.probability = std::strtod(copy.c_str(), &end);
    if (copy.empty() || *end != '\0' || result.probability <= 0 || result.probability > 1) {
      error = "probability must be in (0, 1]: " + copy;
      return std::nullopt;
    }
  }
  if (auto c = cut('*')) {
    auto [ptr, ec] = std::from_chars(c->data(), c->data() + c->size(), result.remaining);
    if (ec != std::errc{} || ptr != c->data() + c->size() || result.remaining <= 0) {
      error = "count must be a positive integer: " + std::string{*c};
      return std::nullopt;
    }
  }
  std::optional<std::string_view> duration = cut('=');
  if (text == "fail") {
    result.action = fault_action::fail;
  } else if (text == "delay") {
    result.action = fault_action::delay;
    result.duration = std::chrono::milliseconds{100};
  } else if (text == "hang") {
    result.action = fault_action::hang;
    result.duration = std::chrono::milliseconds{30000};
  } else if (text == "crash") {
    result.action = fault_action::crash;
  } else if (text == "kill") {
    result.action = fault_action::kill;
  } else {
    error = "unknown fault action '" + std::string{text} + "' (fail, delay, hang, crash, kill)";
    return std::nullopt;
  }
  if (duration) {
    auto parsed = parse_duration(*duration);
    if (!parsed) {
      error = "bad duration '" + std::string{*duration} + "' (e.g. 200ms, 5s)";
      return std::nullopt;
    }
    result.duration = *parsed;
  }
  return result;
}

std::string to_string(const fault_spec& x) {
  std::string result;
  switch (x.action) {
  case fault_action::fail:
    result = "fail";
    break;
  case fault_action::delay:
    result = "delay";
    break;
  case fault_action::hang:
    result = "hang";
    break;
  case fault_action::crash:
    result = "crash";
    break;
  case fault_action::kill:
    result = "kill";
    break;
  }
  if (x.action == fault_action::delay || x.action == fault_action::hang)
    result += "=" + std::to_string(x.duration.count()) + "ms";
  if (x.remaining >= 0)
    result += "*" + std::to_string(x.remaining);
  if (x.probability < 1.0)
    result += "@" + std::to_string(x.probability);
  return result;
}

fault_registry& fault_registry::instance() {
  static fault_registry registry;
  return registry;
}

void fault_registry::arm(const std::string& point, fault_spec spec) {
  std::lock_guard<std::mutex> guard{mtx_};
  stats_[point].spec = to_string(spec);
  specs_[point] = spec;
  armed_ = true;
}

void fault_registry::disarm(const std::string& point) {
  std::lock_guard<std::mutex> guard{mtx_};
  specs_.erase(point);
  if (auto i = stats_.find(point); i != stats_.end())
    i->second.spec.clear();
  armed_ = !specs_.empty();
}

void fault_registry::disarm_all() {
  std::lock_guard<std::mutex> guard{mtx_};
  specs_.clear();
  for (auto& entry : stats_)
    entry.second.spec.clear();
  armed_ = false;
}

void fault_registry::hit(std::string_view point) {
  if (!armed_.load(std::memory_order_relaxed))
    return;
  fault_spec spec;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto& counters = stats_[std::string{point}];
    ++counters.hits;
    auto i = specs_.find(point);
    if (i == specs_.end())
      return;
    if (i->second.probability < 1.0) {
      thread_local std::mt19937_64 engine{std::random_device{}()};
      if (std::uniform_real_distribution<double>{0.0, 1.0}(engine) >= i->second.probability)
        return;
    }
    spec = i->second;
    if (i->second.remaining > 0 && --i->second.remaining == 0) {
      specs_.erase(i);
      counters.spec.clear();
      armed_ = !specs_.empty();
    }
    ++counters.fired;
  }
  auto what = "fault point " + std::string{point};
  switch (spec.action) {
  case fault_action::fail:
    throw store_error(chat_errc::fault_injected, what + " failed");
  case fault_action::delay:
  case fault_action::hang:
    std::this_thread::sleep_for(spec.duration);
    return;
  case fault_action::crash:
    throw worker_crash(what + " crashed its actor");
  case fault_action::kill:
    // As kill -9 at this very point: no destructor, no flush, no goodbye to anyone.
    std::_Exit(137);
  }
}

std::map<std::string, fault_registry::point_stats> fault_registry::stats() const {
  std::lock_guard<std::mutex> guard{mtx_};
  std::map<std::string, point_stats> result;
  for (auto& name : fault_point_names())
    result[name];
  for (auto& [name, counters] : stats_)
    result[name] = counters;
  return result;
}

} // namespace chat
