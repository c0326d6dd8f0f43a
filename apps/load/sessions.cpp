#include "apps/load/sessions.hpp"

#include <algorithm>
#include <chrono>

namespace chat::load {

worker_pool::worker_pool(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.emplace_back(contexts_.back()->get_executor());
  }
  for (auto& io : contexts_)
    threads_.emplace_back([context = io.get()] { context->run(); });
}

worker_pool::~worker_pool() {
  guards_.clear();
  for (auto& io : contexts_)
    io->stop();
  for (auto& thread : threads_)
    thread.join();
}

void worker_pool::run_on(size_t index, const std::function<void()>& task) {
  std::promise<void> done;
  boost::asio::post(at(index), [&] {
    task();
    done.set_value();
  });
  done.get_future().wait();
}

void session_counts::note(const std::string& why) {
  std::lock_guard lock{mutex};
  if (reasons.size() < 8 && std::find(reasons.begin(), reasons.end(), why) == reasons.end())
    reasons.push_back(why);
}

std::vector<std::shared_ptr<stomp_client>>
open_sessions(worker_pool& pool, std::vector<session_spec> specs, int concurrency,
              session_counts& counts, const std::function<void(int)>& on_progress) {
  std::vector<std::shared_ptr<stomp_client>> clients;
  clients.reserve(specs.size());
  auto settled = [&] { return counts.ready.load() + counts.refused.load(); };
  int base = settled();
  size_t next = 0;
  while (settled() - base < static_cast<int>(specs.size())) {
    while (next < specs.size() && static_cast<int>(next) - (settled() - base) < concurrency) {
      auto& spec = specs[next];
      auto was_ready = std::make_shared<std::atomic<bool>>(false);
      client_events events;
      events.on_ready = [&counts, was_ready] {
        *was_ready = true;
        ++counts.ready;
      };
      events.on_message = std::move(spec.on_message);
      events.on_closed = [&counts, was_ready](const std::string& why) {
        ++(*was_ready ? counts.dropped : counts.refused);
        counts.note(why);
      };
      clients.push_back(
        open_stomp_client(pool.at(next), std::move(spec.options), std::move(events)));
      ++next;
    }
    if (on_progress)
      on_progress(counts.ready.load());
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  if (on_progress)
    on_progress(counts.ready.load());
  return clients;
}

} // namespace chat::load
