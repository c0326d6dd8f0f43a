#include "tests/unit/fakes.hpp"

#include <algorithm>

#include "protocol/errors.hpp"

namespace chat::test {

void fake_backend::then(const std::string& op, std::initializer_list<fake_reply> replies) {
  auto& queue = script[op];
  queue.insert(queue.end(), replies.begin(), replies.end());
}

void fake_backend::repeat(const std::string& op, fake_reply reply, size_t n) {
  auto& queue = script[op];
  queue.insert(queue.end(), n, reply);
}

fake_reply fake_backend::next(const std::string& op) {
  auto& queue = script[op];
  if (queue.empty())
    return fake_reply::ok;
  auto result = queue.front();
  queue.pop_front();
  return result;
}

void fake_backend::release() {
  for (auto& addr : fakes)
    if (auto hdl = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(hdl, release_atom::value);
}

void fake_backend::clear() {
  hung.clear();
  fakes.clear();
}

size_t fake_backend::count(const std::string& op) const {
  return static_cast<size_t>(std::count_if(calls.begin(), calls.end(), [&](const std::string& c) {
    return c.compare(0, op.size(), op) == 0;
  }));
}

std::vector<std::string> fake_backend::call_names() const {
  std::vector<std::string> result;
  for (auto& call : calls)
    result.push_back(call.substr(0, call.find(':')));
  return result;
}

std::vector<delivery_status> fake_backend::statuses_of(const std::string& temp_id) const {
  std::vector<delivery_status> result;
  for (auto& status : statuses)
    if (status.temp_id == temp_id)
      result.push_back(status.status);
  return result;
}

namespace {

/// Answers a request per the scripted reply: `on_ok` computes the success value.
template <class T, class Self, class OnOk>
caf::result<T> answer(Self self, fake_reply reply, OnOk on_ok) {
  auto& backend = *self->state.backend;
  switch (reply) {
  case fake_reply::fail:
    return make_error(chat_errc::store_failed, "scripted failure");
  case fake_reply::in_doubt:
    return make_error(chat_errc::store_in_doubt, "scripted doubt");
  case fake_reply::fenced:
    return make_error(chat_errc::fenced, "scripted fence");
  case fake_reply::not_found:
    return make_error(chat_errc::not_found, "scripted not found");
  case fake_reply::hang: {
    auto promise = self->template make_response_promise<T>();
    backend.hung.push_back([promise] {});
    return promise;
  }
  case fake_reply::hold: {
    auto promise = self->template make_response_promise<T>();
    self->state.held.push_back([promise, on_ok]() mutable { promise.deliver(on_ok()); });
    return promise;
  }
  default:
    return on_ok();
  }
}

std::string seqs_of(const std::vector<chat_message>& messages) {
  std::string result;
  for (auto& msg : messages) {
    if (!result.empty())
      result += ',';
    result += std::to_string(msg.seq);
  }
  return result;
}

commit_result do_commit(fake_backend& backend, const std::vector<chat_message>& messages) {
  commit_result result;
  for (auto& msg : messages) {
    if (backend.tombstones.count(msg.id) > 0) {
      result.rejected.push_back(msg.id);
      result.versions.push_back(0);
      continue;
    }
    backend.commits.insert(msg.id);
    result.versions.push_back(++backend.room.version);
    backend.room.last_seq = std::max(backend.room.last_seq, msg.seq);
    ++backend.room.message_count;
  }
  result.room = backend.room;
  return result;
}

resolution do_resolve(fake_backend& backend, const std::string& id, bool abort) {
  resolution result;
  if (backend.commits.count(id) > 0 && !abort) {
    result.committed = true;
  } else {
    result.removed = backend.commits.erase(id) > 0;
    backend.tombstones.insert(id);
  }
  result.room = backend.room;
  return result;
}

/// Changes the messages the fake commit store knows (commits made through it): edits and
/// deletes by anyone, reactions as a set per user; every change that changes something is
/// one version.
change_result do_change(fake_backend& backend, const std::vector<message_change>& changes) {
  change_result result;
  for (auto& change : changes) {
    auto i = backend.messages.find(change.message_id);
    if (i == backend.messages.end() || backend.commits.count(change.message_id) == 0) {
      result.outcomes.emplace_back();
      result.errors.push_back(make_error(chat_errc::not_found, "no message"));
      continue;
    }
    auto msg = i->second;
    bool changed = true;
    switch (change.kind) {
    case change_kind::edit:
      msg.content = change.text;
      msg.edited_at = change.at;
      break;
    case change_kind::remove:
      changed = !msg.deleted;
      msg.deleted = true;
      msg.content.clear();
      break;
    default:
      break;
    }
    change_outcome outcome{change.kind, msg, changed ? ++backend.room.version : 0};
    outcome.message.version = outcome.version ? outcome.version : msg.version;
    result.outcomes.push_back(outcome);
    result.errors.emplace_back();
  }
  result.room = backend.room;
  return result;
}

} // namespace

namespace {

/// Registers a fake with its backend and adds the release handler to its behavior.
template <class Handle, class Self, class... Handlers>
typename Handle::behavior_type make_fake(Self self, fake_backend* backend, Handlers... handlers) {
  self->state.backend = backend;
  backend->fakes.push_back(self->address());
  return {
    std::move(handlers)...,
    [=](release_atom) {
      auto held = std::move(self->state.held);
      self->state.held.clear();
      for (auto& fn : held)
        fn();
    },
  };
}

} // namespace

fake_message_store_actor::behavior_type
fake_message_store(fake_message_store_actor::stateful_pointer<fake_state> self,
                   fake_backend* backend) {
  return make_fake<fake_message_store_actor>(
    self, backend,
    [=](insert_atom, chat_message& msg) -> caf::result<insert_outcome> {
      backend->calls.push_back("insert:" + std::to_string(msg.seq));
      auto reply = backend->next("insert");
      if (reply == fake_reply::duplicate)
        return insert_outcome{false, backend->existing};
      return answer<insert_outcome>(self, reply, [backend, msg] {
        backend->messages[msg.id] = msg;
        return insert_outcome{true, {}};
      });
    },
    [=](finalize_atom, std::string& id, int64_t) -> caf::result<bool> {
      auto seq = backend->messages.count(id) ? backend->messages[id].seq : 0;
      backend->calls.push_back("finalize:" + std::to_string(seq));
      auto reply = backend->next("finalize");
      if (reply == fake_reply::not_found)
        return false;
      return answer<bool>(self, reply, [backend, id] {
        auto i = backend->messages.find(id);
        if (i == backend->messages.end())
          return false;
        i->second.state = message_state::committed;
        return true;
      });
    },
    [=](delete_atom, std::string& id) -> caf::result<bool> {
      auto seq = backend->messages.count(id) ? backend->messages[id].seq : 0;
      backend->calls.push_back("delete:" + std::to_string(seq));
      return answer<bool>(self, backend->next("delete"),
                          [backend, id] { return backend->messages.erase(id) > 0; });
    },
    [=](mark_atom, std::string& id) -> caf::result<bool> {
      backend->calls.push_back("mark");
      return answer<bool>(self, backend->next("mark"), [backend, id] {
        auto i = backend->messages.find(id);
        if (i == backend->messages.end() || i->second.state == message_state::committed)
          return false;
        i->second.state = message_state::compensating;
        return true;
      });
    },
    [=](history_atom, history_query&) { return history_page{}; },
    [=](find_atom, int64_t sender, std::string& temp_id) -> caf::result<std::vector<chat_message>> {
      backend->calls.push_back("find");
      return answer<std::vector<chat_message>>(self, backend->next("find"), [=] {
        std::vector<chat_message> result;
        for (auto& [id, msg] : backend->messages)
          if (msg.sender_id == sender && msg.temp_id == temp_id)
            result.push_back(msg);
        return result;
      });
    },
    [=](snapshot_atom, int64_t, int32_t) {
      backend->calls.push_back("snapshot");
      room_snapshot result;
      result.max_seq = backend->max_seq;
      result.unfinished = backend->unfinished;
      for (auto& [id, msg] : backend->messages) {
        result.max_seq = std::max(result.max_seq, msg.seq);
        if (msg.state == message_state::committed)
          result.recent.push_back(msg);
      }
      return result;
    },
    [=](pending_atom, caf::timespan, int32_t) { return std::vector<chat_message>{}; },
    [=](apply_atom, chat_message& msg) -> caf::result<bool> {
      backend->calls.push_back("apply:" + std::to_string(msg.seq));
      return answer<bool>(self, backend->next("apply"), [backend, msg] {
        auto i = backend->messages.find(msg.id);
        if (i == backend->messages.end())
          return false;
        i->second = msg;
        return true;
      });
    },
    [=](message_atom, std::string& id) -> caf::result<chat_message> {
      auto i = backend->messages.find(id);
      if (i == backend->messages.end())
        return make_error(chat_errc::not_found, "no message " + id);
      return i->second;
    },
    [=](messages_atom, std::vector<std::string>& ids) {
      std::vector<chat_message> result;
      for (auto& id : ids)
        if (auto i = backend->messages.find(id); i != backend->messages.end())
          result.push_back(i->second);
      return result;
    },
    [=](thread_atom, thread_query&) { return history_page{}; },
    [=](threads_atom, int64_t, std::string&, int32_t) { return std::vector<thread_summary>{}; },
    [=](search_atom, search_query&) { return std::vector<chat_message>{}; },
    [=](ping_atom) { return true; });
}

fake_commit_store_actor::behavior_type
fake_commit_store(fake_commit_store_actor::stateful_pointer<fake_state> self,
                  fake_backend* backend) {
  return make_fake<fake_commit_store_actor>(
    self, backend,
    [=](claim_atom, int64_t, std::string&) -> caf::result<room_claim> {
      backend->calls.push_back("claim");
      return answer<room_claim>(self, backend->next("claim"), [backend] {
        backend->room.owner_epoch = ++backend->claims;
        return room_claim{backend->room, backend->members};
      });
    },
    [=](commit_atom, room_commit& request) -> caf::result<commit_result> {
      auto call = "commit:" + seqs_of(request.messages);
      if (!request.changes.empty())
        call += "+change:" + std::to_string(request.changes.size());
      backend->calls.push_back(call);
      return answer<commit_result>(self, backend->next("commit"), [backend, request] {
        auto result = do_commit(*backend, request.messages);
        // Riding changes are decided after the messages, in the same "transaction".
        if (!request.changes.empty()) {
          result.changes = do_change(*backend, request.changes);
          result.room = result.changes.room;
        }
        return result;
      });
    },
    [=](resolve_atom, int64_t, std::string& id, bool abort) -> caf::result<resolution> {
      backend->calls.push_back(std::string{"resolve:"} + (abort ? "abort" : "decide"));
      return answer<resolution>(self, backend->next("resolve"),
                                [backend, id, abort] { return do_resolve(*backend, id, abort); });
    },
    [=](dead_atom, saga_dead_letter& letter) -> caf::result<bool> {
      backend->calls.push_back("dead");
      return answer<bool>(self, backend->next("dead"), [backend, letter] {
        backend->dead_letters.push_back(letter);
        return true;
      });
    },
    [=](dead_list_atom, int32_t) { return backend->dead_letters; },
    [=](dead_done_atom, std::string&) { return true; },
    [=](metadata_atom, int64_t) { return backend->room; },
    [=](members_atom, int64_t) { return backend->members; },
    [=](backlog_atom) { return outbox_stats{}; },
    [=](change_atom, change_batch& request) -> caf::result<change_result> {
      backend->calls.push_back("change:" + std::to_string(request.changes.size()));
      return answer<change_result>(self, backend->next("change"), [backend, request] {
        return do_change(*backend, request.changes);
      });
    },
    [=](stale_applies_atom, caf::timespan, int32_t) { return std::vector<chat_message>{}; },
    [=](applied_atom, std::vector<std::string>&, std::vector<int64_t>&) {
      backend->calls.push_back("applied");
      return true;
    },
    [=](pins_atom, int64_t) { return std::vector<room_pin>{}; }, [=](ping_atom) { return true; });
}

fake_room_actor::behavior_type fake_room(fake_room_actor::stateful_pointer<fake_state> self,
                                         fake_backend* backend) {
  return make_fake<fake_room_actor>(
    self, backend, [=](send_atom, chat_message&, status_sink_actor&) { return status_event{}; },
    [=](commit_atom, chat_message& msg) -> caf::result<int64_t> {
      backend->calls.push_back("commit:" + std::to_string(msg.seq));
      auto reply = backend->next("commit");
      if (reply == fake_reply::fenced)
        return make_error(chat_errc::fenced, "scripted fence");
      return answer<int64_t>(
        self, reply, [backend, msg] { return do_commit(*backend, {msg}).versions.front(); });
    },
    [=](abort_atom, chat_message& msg) -> caf::result<bool> {
      backend->calls.push_back("abort:" + std::to_string(msg.seq));
      return answer<bool>(self, backend->next("abort"), [backend, msg] {
        do_resolve(*backend, msg.id, true);
        return true;
      });
    },
    [=](resolved_atom, saga_outcome& outcome) { backend->outcomes.push_back(outcome); },
    [=](subscribe_atom, subscriber_actor&) { return int64_t{0}; },
    [=](unsubscribe_atom, subscriber_actor&) {}, [=](reload_atom) { return true; },
    [=](metadata_atom) { return backend->room; }, [=](is_member_atom, int64_t) { return true; },
    [=](online_atom) { return std::vector<int64_t>{}; },
    [=](presence_snapshot_atom) { return std::vector<std::string>{}; },
    [=](member_status_atom, int64_t, const std::string&) {},
    [=](activity_atom, int64_t, const std::string&) {},
    [=](read_atom, int64_t, int64_t, int64_t) {}, [=](typing_atom, int64_t, bool) {},
    [=](typing_end_atom, int64_t) {}, [=](presence_atom, int64_t, bool) {},
    [=](change_atom, message_change&) { return change_outcome{}; }, [=](reapply_atom, uint64_t) {},
    [=](recheck_atom, int64_t) {}, [=](idle_atom) {}, [=](handoff_atom) {});
}

fake_sink_actor::behavior_type fake_sink(fake_sink_actor::stateful_pointer<fake_state> self,
                                         fake_backend* backend) {
  return make_fake<fake_sink_actor>(
    self, backend, [=](status_event& event) { backend->statuses.push_back(event); });
}

fake_subscriber_actor::behavior_type
fake_subscriber(fake_subscriber_actor::stateful_pointer<fake_state> self, fake_backend* backend) {
  return make_fake<fake_subscriber_actor>(
    self, backend, [=](room_broadcast& event) { backend->broadcasts.push_back(event); },
    [=](room_update& update) { backend->updates.push_back(update); },
    [=](left_atom, int64_t, std::vector<int64_t>& users) {
      backend->left.insert(backend->left.end(), users.begin(), users.end());
    });
}

} // namespace chat::test
