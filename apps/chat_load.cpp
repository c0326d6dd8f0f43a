// chat-load: a WebSocket/STOMP load generator for a running chatd, so that the load tool is
// not what bounds a measurement (one Node.js process was). tests/bench/ws_load.mjs starts a
// node, makes the users and rooms, runs this program and plots what it reports:
//   chat-load --setup=FILE --workload=rooms --rates=100,200,500 [--seconds=10] [--drain=10]
//   chat-load --setup=FILE --workload=idle --sessions=19000 [--hold=30] [--heart-beat=10000]
//             [--sources=1] [--concurrency=256]
// with --threads=N (io threads, default 2) and --out=FILE (the JSON report; default stdout).
// FILE: {host, port, chatdPid, postgresPid, rooms: [{id, senders, members: [{id, token}]}]}
// for rooms; {host, port, chatdPid, postgresPid, roomId, users: [{id, token}]} for idle.
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "apps/load/load_run.hpp"

namespace {

// The process's descriptor limit raised to its hard limit: one descriptor per session.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::vector<double> parse_rates(const std::string& text) {
  std::vector<double> rates;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');)
    rates.push_back(std::stod(item));
  return rates;
}

int usage(const std::string& why) {
  std::cerr << "chat-load: " << why
            << "\nusage: chat-load --setup=FILE --workload=rooms|idle [--rates=R1,R2,...] "
               "[--seconds=S] [--drain=S] [--sessions=N] [--hold=S] [--heart-beat=MS] "
               "[--sources=N] [--concurrency=N] [--threads=N] [--keep-going] [--out=FILE]\n";
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0)
      return usage("unexpected argument " + arg);
    auto equals = arg.find('=');
    args[arg.substr(2, equals == std::string::npos ? std::string::npos : equals - 2)] =
      equals == std::string::npos ? "true" : arg.substr(equals + 1);
  }
  static const char* known[] = {"setup",    "workload",   "rates",      "seconds", "drain",
                                "sessions", "hold",       "heart-beat", "sources", "concurrency",
                                "threads",  "keep-going", "out"};
  for (auto& [name, value] : args)
    if (std::find(std::begin(known), std::end(known), name) == std::end(known))
      return usage("unknown option --" + name);
  if (!args.count("setup"))
    return usage("--setup is required");
  std::ifstream setup_file(args["setup"]);
  auto setup = nlohmann::json::parse(setup_file, nullptr, false);
  if (!setup.is_object())
    return usage("cannot read " + args["setup"]);
  chat::load::run_options options;
  try {
    auto number = [&](const char* name, double fallback) {
      return args.count(name) ? std::stod(args[name]) : fallback;
    };
    options.threads = static_cast<int>(number("threads", options.threads));
    options.seconds = number("seconds", options.seconds);
    options.drain_seconds = number("drain", options.drain_seconds);
    options.sessions = static_cast<int>(number("sessions", options.sessions));
    options.hold_seconds = number("hold", options.hold_seconds);
    options.heart_beat_ms = static_cast<int64_t>(number("heart-beat", 10000));
    options.sources = static_cast<int>(number("sources", options.sources));
    options.concurrency = static_cast<int>(number("concurrency", options.concurrency));
    options.stop_when_unsustainable = !args.count("keep-going");
    if (args.count("rates"))
      options.rates = parse_rates(args["rates"]);
  } catch (const std::exception&) {
    return usage("a numeric option is not a number");
  }
  raise_descriptor_limit();
  auto workload = args.count("workload") ? args["workload"] : "rooms";
  nlohmann::json report;
  if (workload == "rooms") {
    if (options.rates.empty())
      return usage("--rates is required for the rooms workload");
    report = chat::load::run_rooms(setup, options);
  } else if (workload == "idle") {
    report = chat::load::run_idle(setup, options);
  } else {
    return usage("unknown workload " + workload);
  }
  auto text = report.dump(2);
  if (args.count("out")) {
    std::ofstream(args["out"]) << text << "\n";
  } else {
    std::cout << text << "\n";
  }
  return 0;
}
