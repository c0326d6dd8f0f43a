// The worker pool of a store front actor: detached workers, one connection each, that pull
// jobs whenever they are idle. Work that queues up while every worker is busy is batched
// into one transaction by batch_queue, which is what makes writes cheap under load.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/error.hpp>
#include <caf/spawn_options.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_response_promise.hpp>

#include "persistence/db/item_result.hpp"
#include "persistence/db/worker.hpp"
#include "protocol/errors.hpp"

namespace chat {

/// A job plus what to do once it ran (called in the front actor's context).
struct db_pool_job {
  db_job run;
  std::function<void(const caf::error&)> done;
};

/// Requests of one kind waiting for a worker; taken as one batch (one job).
template <class In, class Out> class batch_queue {
public:
  using promise_type = caf::typed_response_promise<Out>;
  using run_fn =
    std::function<std::vector<item_result<Out>>(db_connection&, const std::vector<In>&)>;

  explicit batch_queue(run_fn fn) : run_(std::move(fn)) {
    // nop
  }

  void push(In input, promise_type promise) {
    items_.emplace_back(std::move(input), std::move(promise));
  }

  bool empty() const { return items_.empty(); }

  size_t size() const { return items_.size(); }

  /// Takes up to `max` queued requests as one job.
  db_pool_job take(size_t max) {
    auto inputs = std::make_shared<std::vector<In>>();
    auto results = std::make_shared<std::vector<item_result<Out>>>();
    std::vector<promise_type> promises;
    while (!items_.empty() && inputs->size() < max) {
      inputs->push_back(std::move(items_.front().first));
      promises.push_back(std::move(items_.front().second));
      items_.pop_front();
    }
    return db_pool_job{
      [inputs, results, run = run_](db_connection& conn) { *results = run(conn, *inputs); },
      [promises = std::move(promises), results](const caf::error& err) mutable {
        for (size_t i = 0; i < promises.size(); ++i) {
          if (err)
            promises[i].deliver(err);
          else if (i >= results->size())
            promises[i].deliver(make_error(chat_errc::internal, "missing batch result"));
          else if ((*results)[i].error)
            promises[i].deliver((*results)[i].error);
          else
            promises[i].deliver(std::move((*results)[i].value));
        }
      },
    };
  }

private:
  run_fn run_;
  std::deque<std::pair<In, promise_type>> items_;
};

/// A job that runs one query and delivers its result to one promise.
template <class T, class Query>
db_pool_job single_job(Query query, caf::typed_response_promise<T> promise) {
  auto result = std::make_shared<T>();
  return db_pool_job{
    [query = std::move(query), result](db_connection& conn) { *result = query(conn); },
    [promise, result](const caf::error& err) mutable {
      if (err)
        promise.deliver(err);
      else
        promise.deliver(std::move(*result));
    },
  };
}

/// Queues a single job on a front actor's state (its `singles` and its `pool`) and hands work
/// to idle workers; returns the promise, for the handler to return.
template <class State, class Query, class T>
caf::typed_response_promise<T> queue_single(State& st, Query query,
                                            caf::typed_response_promise<T> promise) {
  st.singles.push_back(single_job(std::move(query), promise));
  st.pool.dispatch();
  return promise;
}

/// Queues a batched request on one of a front actor's batch queues and hands work to idle
/// workers; returns the promise.
template <class State, class Queue, class In, class T>
caf::typed_response_promise<T> queue_batched(State& st, Queue& queue, In input,
                                             caf::typed_response_promise<T> promise) {
  queue.push(std::move(input), promise);
  st.pool.dispatch();
  return promise;
}

/// The job source of a front actor that only has single jobs: takes them in order. `singles`
/// must outlive the pool (both live in the actor's state).
inline std::function<std::optional<db_pool_job>()>
single_jobs_of(std::deque<db_pool_job>& singles) {
  return [&singles]() -> std::optional<db_pool_job> {
    if (singles.empty())
      return std::nullopt;
    auto job = std::move(singles.front());
    singles.pop_front();
    return job;
  };
}

/// The next job of a front actor: its batch queues and its queue of single jobs take turns,
/// so that neither reads nor any kind of write can starve the others.
template <class... Queues>
std::optional<db_pool_job> next_job_round_robin(size_t& turn, size_t max_batch,
                                                std::deque<db_pool_job>& singles,
                                                Queues&... queues) {
  constexpr size_t count = sizeof...(Queues) + 1;
  for (size_t i = 0; i < count; ++i) {
    auto k = (turn + i) % count;
    std::optional<db_pool_job> job;
    if (k == count - 1) {
      if (!singles.empty()) {
        job = std::move(singles.front());
        singles.pop_front();
      }
    } else {
      size_t index = 0;
      auto try_take = [&](auto& queue) {
        if (index++ == k && !queue.empty())
          job = queue.take(max_batch);
      };
      (try_take(queues), ...);
    }
    if (job) {
      turn = k + 1;
      return job;
    }
  }
  return std::nullopt;
}

/// The workers of one front actor. `Self` is the front's actor pointer.
template <class Self> class db_pool {
public:
  using source = std::function<std::optional<db_pool_job>()>;

  /// Spawns `size` workers on `dsn`; `next` yields the next job for an idle worker.
  void start(Self self, std::string dsn, size_t size, source next) {
    self_ = self;
    dsn_ = std::move(dsn);
    next_ = std::move(next);
    workers_ = std::make_shared<std::vector<db_worker_actor>>();
    for (size_t i = 0; i < size; ++i)
      spawn_worker();
    self->set_down_handler([this](caf::down_msg& msg) { on_down(msg); });
    self->attach_functor([workers = workers_] {
      for (auto& worker : *workers)
        caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
    });
  }

  /// Hands queued work to idle workers; call after queueing.
  void dispatch() {
    while (!idle_.empty()) {
      auto job = next_();
      if (!job)
        return;
      auto worker = idle_.back();
      idle_.pop_back();
      run(worker, std::move(*job));
    }
  }

  size_t size() const { return workers_->size(); }

  size_t busy() const { return busy_.size(); }

private:
  void spawn_worker() {
    auto worker = self_->template spawn<caf::detached>(db_worker, dsn_);
    self_->monitor(worker);
    workers_->push_back(worker);
    idle_.push_back(worker);
  }

  void run(const db_worker_actor& worker, db_pool_job job) {
    busy_.emplace(worker.address(), std::move(job.done));
    self_->request(worker, caf::infinite, run_atom::value, std::move(job.run))
      .then([this, worker](bool) { finish(worker, caf::error{}); },
            [this, worker](caf::error& err) { finish(worker, err); });
  }

  void finish(const db_worker_actor& worker, const caf::error& err) {
    auto i = busy_.find(worker.address());
    if (i == busy_.end())
      return; // already failed by on_down
    auto done = std::move(i->second);
    busy_.erase(i);
    // A crashed worker is replaced when its down message arrives.
    if (code_of(err) != chat_errc::worker_crashed)
      idle_.push_back(worker);
    done(err);
    dispatch();
  }

  void on_down(const caf::down_msg& msg) {
    auto same = [&](const db_worker_actor& w) { return w.address() == msg.source; };
    std::erase_if(idle_, same);
    std::erase_if(*workers_, same);
    if (auto i = busy_.find(msg.source); i != busy_.end()) {
      auto done = std::move(i->second);
      busy_.erase(i);
      done(make_error(chat_errc::worker_crashed, "persistence worker died mid-job"));
    }
    spawn_worker();
    dispatch();
  }

  Self self_ = nullptr;
  std::string dsn_;
  source next_;
  std::shared_ptr<std::vector<db_worker_actor>> workers_;
  std::vector<db_worker_actor> idle_;
  std::map<caf::actor_addr, std::function<void(const caf::error&)>> busy_;
};

} // namespace chat
