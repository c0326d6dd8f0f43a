// The load tool's threads and the opening of many sessions at a bounded concurrency.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "apps/load/stomp_client.hpp"

namespace chat::load {

/// One io_context per thread: a session and its handlers live on one of them.
class worker_pool {
public:
  explicit worker_pool(int threads);
  ~worker_pool();

  size_t size() const { return contexts_.size(); }
  boost::asio::io_context& at(size_t index) { return *contexts_[index % contexts_.size()]; }

  /// Runs `task` on worker `index` and waits until it ran.
  void run_on(size_t index, const std::function<void()>& task);

private:
  using guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<guard> guards_;
  std::vector<std::thread> threads_;
};

/// How the sessions of a run fared; written from every worker.
struct session_counts {
  std::atomic<int> ready{0};
  std::atomic<int> refused{0}; // closed before they were ready
  std::atomic<int> dropped{0}; // closed after they were ready
  std::mutex mutex;
  std::vector<std::string> reasons; // the first few distinct ones

  void note(const std::string& why);
};

struct session_spec {
  client_options options;
  /// Called on the session's worker for each MESSAGE (may be empty).
  std::function<void(const stomp_frame&)> on_message;
};

/// Opens `specs` (session i on worker i) with at most `concurrency` opening at once; returns
/// when every session is ready or refused. `on_progress(ready)` runs on the calling thread.
std::vector<std::shared_ptr<stomp_client>>
open_sessions(worker_pool& pool, std::vector<session_spec> specs, int concurrency,
              session_counts& counts, const std::function<void(int)>& on_progress = {});

} // namespace chat::load
