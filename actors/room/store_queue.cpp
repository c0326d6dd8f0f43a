// The room's store operations, one at a time so that the metadata cache follows the store:
// room commits of many messages at once (saga step 2) and aborts (its compensation).
#include "actors/room/room_parts.hpp"

#include <algorithm>
#include <memory>

#include <caf/sec.hpp>
#include <spdlog/spdlog.h>

#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"
#include "protocol/types/room_commit.hpp"

namespace chat::room_parts {

/// The owner epoch moved on: another owner exists. Fail what waits and stop.
void fenced(room_ptr self, const caf::error& err) {
  auto& st = self->state;
  spdlog::warn("room {} fenced, stopping: {}", st.id, describe(err));
  ++metrics::instance().rooms_fenced;
  for (auto& pending : st.commits)
    pending.promise.deliver(err);
  st.commits.clear();
  // Sagas abort through the store directly once the room is gone.
  for (auto& pending : st.aborts)
    pending.promise.deliver(make_error(chat_errc::room_stopped, "room fenced"));
  st.aborts.clear();
  for (auto& pending : st.changes)
    pending.promise.deliver(err);
  st.changes.clear();
  self->quit(err);
}

namespace {

void run_commit(room_ptr self) {
  auto& st = self->state;
  room_commit request;
  request.room_id = st.id;
  request.epoch = st.meta.owner_epoch;
  auto promises = std::make_shared<std::vector<caf::typed_response_promise<int64_t>>>();
  while (!st.commits.empty() && request.messages.size() < st.settings.max_commit_batch) {
    request.messages.push_back(std::move(st.commits.front().message));
    promises->push_back(std::move(st.commits.front().promise));
    st.commits.pop_front();
  }
  auto& counters = metrics::instance();
  ++counters.room_commit_batches;
  counters.room_commit_messages += static_cast<int64_t>(request.messages.size());
  // Within a batch, event versions follow seq order (across batches they follow the order in
  // which the messages' inserts finished).
  std::vector<size_t> order(request.messages.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return request.messages[a].seq < request.messages[b].seq; });
  {
    std::vector<chat_message> sorted;
    std::vector<caf::typed_response_promise<int64_t>> sorted_promises;
    for (auto i : order) {
      sorted.push_back(std::move(request.messages[i]));
      sorted_promises.push_back(std::move((*promises)[i]));
    }
    request.messages = std::move(sorted);
    *promises = std::move(sorted_promises);
  }
  auto ids = std::make_shared<std::vector<std::string>>();
  for (auto& msg : request.messages)
    ids->push_back(msg.id);
  // The room's waiting changes ride along: one transaction for both.
  auto change_promises = std::make_shared<room_parts::change_promises>();
  take_changes(self, request.changes, *change_promises);
  st.store_busy = true;
  self
    ->request(st.deps.commits, st.settings.saga.step_timeout, commit_atom::value,
              std::move(request))
    .then(
      [self, promises, ids, change_promises](commit_result& result) {
        auto& st = self->state;
        st.store_busy = false;
        st.meta = std::move(result.room);
        if (!change_promises->empty())
          changes_decided(self, *change_promises, result.changes);
        for (size_t i = 0; i < promises->size(); ++i) {
          auto& id = (*ids)[i];
          auto bad = std::find(result.invalid.begin(), result.invalid.end(), id);
          if (std::find(result.rejected.begin(), result.rejected.end(), id) !=
              result.rejected.end())
            (*promises)[i].deliver(
              make_error(chat_errc::tombstoned, "message " + id + " was aborted"));
          else if (std::find(result.blocked.begin(), result.blocked.end(), id) !=
                   result.blocked.end())
            (*promises)[i].deliver(
              make_error(chat_errc::blocked, "one of you blocked the other in this DIRECT room"));
          else if (bad != result.invalid.end())
            (*promises)[i].deliver(make_error(
              chat_errc::invalid_input,
              result.invalid_reasons[static_cast<size_t>(bad - result.invalid.begin())]));
          else
            (*promises)[i].deliver(result.versions[i]);
        }
        pump(self);
      },
      [self, promises, change_promises](caf::error& err) {
        auto reply = store_failure_reply(err, "message change timed out");
        for (auto& promise : *change_promises)
          promise.deliver(reply);
        store_request_failed(self, *promises, err, "room commit timed out");
      });
}

void run_abort(room_ptr self) {
  auto& st = self->state;
  auto pending = std::move(st.aborts.front());
  st.aborts.pop_front();
  st.store_busy = true;
  auto promise = pending.promise;
  self
    ->request(st.deps.commits, st.settings.saga.step_timeout, resolve_atom::value, st.id,
              pending.message.id, true)
    .then(
      [self, promise](resolution& result) mutable {
        self->state.store_busy = false;
        if (result.room.id == self->state.id)
          self->state.meta = std::move(result.room);
        promise.deliver(true);
        pump(self);
      },
      [self, promise](caf::error& err) mutable {
        self->state.store_busy = false;
        promise.deliver(err);
        pump(self);
      });
}

} // namespace

void pump(room_ptr self) {
  auto& st = self->state;
  if (st.store_busy || !st.active)
    return;
  // Aborts first (they undo); waiting changes ride along with the next commit, or go alone.
  if (!st.aborts.empty())
    run_abort(self);
  else if (!st.commits.empty())
    run_commit(self);
  else if (!st.changes.empty())
    run_changes(self);
}

} // namespace chat::room_parts
