#include "cluster/cluster_directory.hpp"

#include <algorithm>
#include <memory>

#include <caf/config_option_adder.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/make_config_option.hpp>
#include <caf/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "cluster/placement.hpp"
#include "protocol/errors.hpp"

namespace chat {

std::vector<std::string> cluster_directory_state::live_members() const {
  std::vector<std::string> result;
  result.reserve(peers.size() + 1);
  result.push_back(settings.self.id);
  for (auto& [id, peer] : peers)
    result.push_back(id);
  return result;
}

void cluster_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "cluster"}
    .add(self.cluster_port, "port", "port of the node's published root (0: a single node)")
    .add(self.host, "host", "address the root listens on and peers reach it at")
    .add(seeds, "seeds", "roots to connect to at start-up, as \"host:port\"")
    .add(heartbeat, "heartbeat", "interval of membership heartbeats")
    .add(lease, "lease", "how long a heartbeat keeps a node in the membership table")
    .add(request_timeout, "request-timeout", "bound of the requests to peers")
    .add(handoff_timeout, "handoff-timeout",
         "how long a room's new home waits for the old one to release it");
}

std::string cluster_settings::check() const {
  if (self.cluster_port != 0 && self.host.empty())
    return "cluster.host is missing";
  if (heartbeat < std::chrono::milliseconds(10) || lease < heartbeat * 3)
    return "cluster.heartbeat must be at least 10ms and cluster.lease three heartbeats at least";
  if (handoff_timeout < std::chrono::milliseconds(10) ||
      request_timeout < std::chrono::milliseconds(10))
    return "cluster.handoff-timeout and cluster.request-timeout must be at least 10ms";
  for (auto& seed : seeds) {
    std::string host;
    uint16_t port = 0;
    if (!parse_endpoint(seed, host, port))
      return "cluster.seeds: '" + seed + "' is not host:port";
  }
  return {};
}

bool parse_endpoint(const std::string& text, std::string& host, uint16_t& port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return false;
  auto digits = text.substr(colon + 1);
  if (digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), ::isdigit))
    return false;
  auto value = std::stoul(digits);
  if (value == 0 || value > 65535)
    return false;
  host = text.substr(0, colon);
  port = static_cast<uint16_t>(value);
  return true;
}

namespace {

using directory_ptr = cluster_directory_actor::stateful_pointer<cluster_directory_state>;
using room_promise = caf::typed_response_promise<room_actor>;

/// The members changed: rooms placed by the old view may have moved.
void members_changed(directory_ptr self) {
  auto& st = self->state;
  st.released.clear();
  std::vector<peer_fanout_actor> fanouts;
  std::string names = st.settings.self.id;
  for (auto& [id, peer] : st.peers) {
    fanouts.push_back(peer.fanout);
    names += ", " + id;
  }
  spdlog::info("cluster: members {}", names);
  self->send(st.fanout, peers_atom::value, std::move(fanouts));
  // Rooms that belong to another node now leave once their sagas in flight ended.
  self->request(st.manager, st.settings.request_timeout, rooms_atom::value)
    .then(
      [self](std::vector<int64_t>& active) {
        auto& st = self->state;
        auto members = st.live_members();
        for (auto room_id : active)
          if (home_of(room_id, members) != st.settings.self.id)
            self->request(st.manager, st.settings.handoff_timeout * 2, handoff_atom::value, room_id)
              .then([](bool) {}, [](caf::error&) {});
      },
      [](caf::error&) {});
}

void add_peer(directory_ptr self, const node_info& info, const node_root_actor& root,
              const fanout_actor& fanout) {
  auto& st = self->state;
  if (info.id == st.settings.self.id || !root)
    return;
  if (auto i = st.peers.find(info.id); i != st.peers.end()) {
    if (i->second.root == root)
      return;
    // The node restarted: its old root is gone.
    self->demonitor(i->second.root.address());
  }
  self->monitor(root);
  st.peers[info.id] = cluster_directory_state::peer{info, root, fanout};
  spdlog::info("cluster: connected to {} ({}:{})", info.id, info.host, info.cluster_port);
  members_changed(self);
}

bool known_endpoint(directory_ptr self, const std::string& host, uint16_t port) {
  auto& st = self->state;
  if (host == st.settings.self.host && port == st.settings.self.cluster_port)
    return true;
  if (st.connecting.count({host, port}) > 0)
    return true;
  for (auto& [id, peer] : st.peers)
    if (peer.info.host == host && peer.info.cluster_port == port)
      return true;
  return false;
}

/// Connects to a root with the middleman's asynchronous connect, then introduces this node.
void connect_to(directory_ptr self, const std::string& host, uint16_t port) {
  auto& st = self->state;
  if (st.settings.self.cluster_port == 0 || known_endpoint(self, host, port))
    return;
  st.connecting.emplace(host, port);
  auto done = [self, host, port] { self->state.connecting.erase({host, port}); };
  auto timeout = st.settings.request_timeout;
  auto mm = self->home_system().middleman().actor_handle();
  self->request(mm, timeout, caf::connect_atom::value, host, port)
    .then(
      [self, done, timeout](const caf::node_id&, caf::strong_actor_ptr& ptr,
                            const std::set<std::string>&) {
        auto root = caf::actor_cast<node_root_actor>(ptr);
        if (!root) {
          done();
          return;
        }
        auto& st = self->state;
        self->request(root, timeout, hello_atom::value, st.settings.self, st.fanout)
          .then(
            [self, done, root](node_info& info, fanout_actor& fanout) {
              done();
              add_peer(self, info, root, fanout);
            },
            [done](caf::error&) { done(); });
      },
      [self, done, host, port](caf::error& err) {
        spdlog::debug("cluster: cannot connect to {}:{}: {}", host, port, describe(err));
        done();
      });
}

/// Renews the lease, reads the table and connects to members not connected yet.
void heartbeat(directory_ptr self) {
  auto& st = self->state;
  for (auto& seed : st.settings.seeds) {
    std::string host;
    uint16_t port = 0;
    if (parse_endpoint(seed, host, port))
      connect_to(self, host, port);
  }
  if (!st.db)
    return;
  auto rows = std::make_shared<std::vector<cluster_queries::member_row>>();
  auto me = st.settings.self;
  auto lease = std::chrono::duration_cast<std::chrono::milliseconds>(st.settings.lease);
  db_job job = [rows, me, lease](db_connection& db) {
    cluster_queries::heartbeat(db, me, lease);
    *rows = cluster_queries::members(db);
  };
  self->request(st.db, st.settings.request_timeout, run_atom::value, std::move(job))
    .then(
      [self, rows](bool) {
        self->state.table = std::move(*rows);
        for (auto& row : self->state.table)
          if (row.lease_live && row.node.id != self->state.settings.self.id)
            connect_to(self, row.node.host, row.node.cluster_port);
      },
      [self](caf::error& err) {
        auto& log = self->state.heartbeat_log;
        if (log.allow())
          spdlog::warn("cluster: heartbeat failed: {}{}", describe(err), log.suppressed_note());
      });
}

/// Has the room manager activate a room and answers everyone waiting for it.
void activate_now(directory_ptr self, int64_t room_id) {
  auto& st = self->state;
  auto waiting = std::move(st.activating[room_id]);
  st.activating.erase(room_id);
  st.released.insert(room_id);
  self->request(st.manager, st.settings.request_timeout, lookup_atom::value, room_id)
    .then(
      [waiting](room_actor& room) mutable {
        for (auto& promise : waiting)
          promise.deliver(room);
      },
      [waiting](caf::error& err) mutable {
        for (auto& promise : waiting)
          promise.deliver(err);
      });
}

/// A peer released a room (or answered with an error, or was lost): the room activates once no
/// peer is left to answer.
void peer_released(directory_ptr self, int64_t room_id, const std::string& peer) {
  auto& st = self->state;
  auto i = st.awaiting_release.find(room_id);
  if (i == st.awaiting_release.end() || i->second.erase(peer) == 0 || !i->second.empty())
    return;
  st.awaiting_release.erase(i);
  activate_now(self, room_id);
}

/// Activates a room on this node: first every peer releases it (it may still be active on
/// its previous home, finishing its sagas), then the room manager activates it.
void activate_here(directory_ptr self, int64_t room_id, room_promise promise) {
  auto& st = self->state;
  if (st.released.count(room_id) > 0 || st.peers.empty()) {
    st.activating[room_id].push_back(std::move(promise));
    activate_now(self, room_id);
    return;
  }
  auto& waiting = st.activating[room_id];
  waiting.push_back(std::move(promise));
  if (waiting.size() > 1)
    return; // the peers were asked already
  auto& awaiting = st.awaiting_release[room_id];
  for (auto& [id, peer] : st.peers)
    awaiting.insert(id);
  for (auto& [id, peer] : st.peers) {
    auto released = [self, room_id, peer_id = id] { peer_released(self, room_id, peer_id); };
    self->request(peer.root, st.settings.handoff_timeout, handoff_atom::value, room_id)
      .then([released](bool) { released(); },
            // A peer that does not answer is dead or cut off: the owner epoch fences it.
            [released](caf::error&) { released(); });
  }
}

/// Finds a room's actor on its home node.
void route(directory_ptr self, int64_t room_id, room_promise promise, int attempts) {
  auto& st = self->state;
  auto home = home_of(room_id, st.live_members());
  if (home == st.settings.self.id) {
    activate_here(self, room_id, std::move(promise));
    return;
  }
  auto& peer = st.peers.at(home);
  auto token = ++st.last_lookup;
  st.lookups.emplace(token, cluster_directory_state::pending_lookup{home, room_id, promise});
  self->request(peer.root, st.settings.request_timeout, activate_atom::value, room_id)
    .then(
      [self, token](room_actor& room) mutable {
        auto& lookups = self->state.lookups;
        if (auto i = lookups.find(token); i != lookups.end()) {
          i->second.promise.deliver(room);
          lookups.erase(i);
        }
      },
      [self, token, attempts](caf::error& err) mutable {
        auto& st = self->state;
        auto i = st.lookups.find(token);
        if (i == st.lookups.end())
          return; // placed again already
        auto pending = std::move(i->second);
        st.lookups.erase(i);
        // The home died meanwhile: place the room on the members that are left.
        if (attempts > 0 && st.peers.count(pending.peer) == 0)
          route(self, pending.room_id, std::move(pending.promise), attempts - 1);
        else
          pending.promise.deliver(err);
      });
}

/// A peer was lost: its unanswered lookups go to the rooms' homes among the members left.
void reroute_lookups(directory_ptr self, const std::string& lost) {
  auto& st = self->state;
  std::vector<cluster_directory_state::pending_lookup> again;
  for (auto i = st.lookups.begin(); i != st.lookups.end();) {
    if (i->second.peer == lost) {
      again.push_back(std::move(i->second));
      i = st.lookups.erase(i);
    } else {
      ++i;
    }
  }
  for (auto& pending : again)
    route(self, pending.room_id, std::move(pending.promise), 1);
}

/// Answers a peer's request with the room manager's reply. Asked and answered here rather than
/// delegated: with a reply that crosses the network, delegation lost it (io_dsl suite).
template <class T, class... Ts>
caf::result<T> ask_manager(directory_ptr self, caf::timespan timeout, Ts... xs) {
  auto promise = self->make_response_promise<T>();
  self->request(self->state.manager, timeout, xs...)
    .then([promise](T& answer) mutable { promise.deliver(std::move(answer)); },
          [promise](caf::error& err) mutable { promise.deliver(err); });
  return promise;
}

/// The cluster view: this node, the connected peers and the rest of the table.
caf::result<std::vector<member_view>> view(directory_ptr self) {
  auto& st = self->state;
  auto promise = self->make_response_promise<std::vector<member_view>>();
  auto result = std::make_shared<std::vector<member_view>>();
  auto age_of = [&st](const std::string& id) -> int64_t {
    for (auto& row : st.table)
      if (row.node.id == id)
        return row.heartbeat_age_ms;
    return -1;
  };
  result->push_back(member_view{st.settings.self, "self", -1, age_of(st.settings.self.id)});
  for (auto& [id, peer] : st.peers)
    result->push_back(member_view{peer.info, "up", -1, age_of(id)});
  for (auto& row : st.table)
    if (row.node.id != st.settings.self.id && st.peers.count(row.node.id) == 0)
      result->push_back(member_view{row.node, row.lease_live ? "unreachable" : "expired", -1,
                                    row.heartbeat_age_ms});
  auto remaining = std::make_shared<size_t>(1 + st.peers.size());
  auto finish = [promise, result, remaining]() mutable {
    if (--*remaining > 0)
      return;
    std::sort(result->begin(), result->end(),
              [](const member_view& x, const member_view& y) { return x.node.id < y.node.id; });
    promise.deliver(std::move(*result));
  };
  auto count_into = [result, finish](size_t index) mutable {
    return [result, finish, index](int64_t rooms) mutable {
      (*result)[index].rooms = rooms;
      finish();
    };
  };
  self->request(st.manager, st.settings.request_timeout, count_atom::value)
    .then(count_into(0), [finish](caf::error&) mutable { finish(); });
  // A peer that went silent (a partition not noticed yet) leaves its count at -1 after a
  // second, instead of holding the view for the whole request timeout.
  auto peer_timeout = std::min<caf::timespan>(st.settings.request_timeout, std::chrono::seconds(1));
  size_t index = 1;
  for (auto& [id, peer] : st.peers)
    self->request(peer.root, peer_timeout, count_atom::value)
      .then(count_into(index++), [finish](caf::error&) mutable { finish(); });
  return promise;
}

} // namespace

cluster_directory_actor::behavior_type
cluster_directory(cluster_directory_actor::stateful_pointer<cluster_directory_state> self,
                  cluster_settings settings, room_manager_actor manager, fanout_actor fanout,
                  db_worker_actor db) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.manager = std::move(manager);
  st.fanout = std::move(fanout);
  st.db = std::move(db);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    for (auto i = st.peers.begin(); i != st.peers.end(); ++i)
      if (i->second.root.address() == msg.source) {
        spdlog::warn("cluster: lost {} ({})", i->first, to_string(msg.reason));
        auto lost = i->first;
        st.peers.erase(i);
        members_changed(self);
        // Rooms waiting for its release wait no more.
        std::vector<int64_t> waiting;
        for (auto& [room_id, peers] : st.awaiting_release)
          waiting.push_back(room_id);
        for (auto room_id : waiting)
          peer_released(self, room_id, lost);
        reroute_lookups(self, lost);
        return;
      }
  });
  if (st.settings.self.cluster_port != 0)
    self->send(self, tick_atom::value);
  return {
    [=](lookup_atom, int64_t room_id) -> caf::result<room_actor> {
      auto promise = self->make_response_promise<room_actor>();
      route(self, room_id, promise, 2);
      return promise;
    },
    [=](hello_atom, node_info& info, fanout_actor& fanout) -> caf::result<node_info, fanout_actor> {
      add_peer(self, info, caf::actor_cast<node_root_actor>(self->current_sender()), fanout);
      return {self->state.settings.self, self->state.fanout};
    },
    [=](activate_atom, int64_t room_id) -> caf::result<room_actor> {
      // A peer placed the room here: activate it even if this node's view differs (the
      // owner epoch keeps one writer).
      auto promise = self->make_response_promise<room_actor>();
      activate_here(self, room_id, promise);
      return promise;
    },
    [=](handoff_atom, int64_t room_id) -> caf::result<bool> {
      // The room is wanted elsewhere: it must activate there again, not here.
      self->state.released.erase(room_id);
      return ask_manager<bool>(self, self->state.settings.handoff_timeout * 2, handoff_atom::value,
                               room_id);
    },
    [=](count_atom) -> caf::result<int64_t> {
      return ask_manager<int64_t>(self, self->state.settings.request_timeout, count_atom::value);
    },
    [=](cluster_atom) { return view(self); },
    [=](tick_atom) {
      heartbeat(self);
      self->delayed_send(self, self->state.settings.heartbeat, tick_atom::value);
    },
    [=](caf::connect_atom, const std::string& host, uint16_t port) {
      connect_to(self, host, port);
    },
  };
}

} // namespace chat
