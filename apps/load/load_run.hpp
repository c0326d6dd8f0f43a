// The load tool's two workloads, over sessions that tests/bench/ws_load.mjs set up (users,
// tokens, rooms) and described in a JSON file:
// - rooms: every member of every room holds a session subscribed to the room; its senders
//   send at each offered rate of a ramp (open loop: sends leave on schedule whatever the
//   answers), and every phase reports its answers, the latency to SAVED (sender) and to
//   delivery (every member), and the CPU of chatd, PostgreSQL and the tool itself;
// - idle: N sessions that subscribe and then only exchange heart-beats: how fast they open,
//   the server's memory per session, and the CPU the heart-beats cost.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace chat::load {

struct run_options {
  int threads = 2;
  // rooms
  std::vector<double> rates;
  double seconds = 10;
  double drain_seconds = 10;
  /// A phase whose delivery p99 is above this (or that lost an answer) is not sustainable.
  double sustainable_p99_ms = 1000;
  bool stop_when_unsustainable = true;
  // idle
  int sessions = 1000;
  int concurrency = 256;
  int sources = 1;
  double hold_seconds = 30;
  int64_t heart_beat_ms = 10000;
};

/// Runs the rooms workload of `setup`; answers the report.
nlohmann::json run_rooms(const nlohmann::json& setup, const run_options& options);

/// Runs the idle workload of `setup`; answers the report.
nlohmann::json run_idle(const nlohmann::json& setup, const run_options& options);

} // namespace chat::load
