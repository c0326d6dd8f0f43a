#define CAF_SUITE cluster_directory

// dsl.hpp of CAF 0.17.6 uses an undefined FAIL macro in request<T>().
#define FAIL CAF_FAIL

#include "cluster/cluster_directory.hpp"

#include <memory>

#include <caf/io/middleman.hpp>
#include <caf/io/network/test_multiplexer.hpp>
#include <caf/test/io_dsl.hpp>

#include "cluster/fanout.hpp"
#include "cluster/placement.hpp"
#include "protocol/type_registry.hpp"
#include "protocol/types/cluster.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/streamer.hpp"

using namespace chat;

namespace {

struct node_test_config : caf::actor_system_config {
  node_test_config() {
    load<caf::io::middleman>();
    register_types(*this);
  }
};

using planet_fixture = test_coordinator_fixture<node_test_config>;

/// The rooms of one node: activates a (trivial) room actor per id and records what it was
/// asked.
struct fake_manager_state {
  std::map<int64_t, caf::actor> rooms;
  std::vector<int64_t> activated;
  std::vector<int64_t> handed_off;
};

caf::behavior fake_manager(caf::stateful_actor<fake_manager_state>* self) {
  return {
    [=](lookup_atom, int64_t id) {
      auto& st = self->state;
      auto& room = st.rooms[id];
      if (!room) {
        room =
          self->spawn<caf::linked>([] { return caf::behavior{[](ping_atom) { return true; }}; });
        st.activated.push_back(id);
      }
      return caf::actor_cast<room_actor>(room);
    },
    [=](rooms_atom) {
      std::vector<int64_t> result;
      for (auto& [id, room] : self->state.rooms)
        result.push_back(id);
      return result;
    },
    [=](handoff_atom, int64_t id) {
      auto& st = self->state;
      st.handed_off.push_back(id);
      if (auto i = st.rooms.find(id); i != st.rooms.end()) {
        self->send_exit(i->second, caf::exit_reason::user_shutdown);
        st.rooms.erase(i);
      }
      return true;
    },
    [=](count_atom) { return static_cast<int64_t>(self->state.rooms.size()); },
  };
}

using manager_impl = caf::stateful_actor<fake_manager_state>;
using directory_impl = caf::stateful_actor<cluster_directory_state, cluster_directory_actor::base>;
using fanout_impl = caf::stateful_actor<fanout_state, fanout_actor::base>;

struct node_actors {
  caf::actor manager;
  fanout_actor fanout;
  cluster_directory_actor directory;
};

/// Earth publishes its root on port 8101; Mars has it as its seed.
struct fixture : point_to_point_fixture<planet_fixture> {
  node_actors on_earth;
  node_actors on_mars;
  std::pair<caf::io::connection_handle, caf::io::connection_handle> link;

  fixture() {
    on_earth = start(earth, "earth", 8101, {});
    link = prepare_connection(earth, mars, "earth", 8101);
    earth.publish(caf::actor_cast<node_root_actor>(on_earth.directory), 8101);
    on_mars = start(mars, "mars", 8102, {"earth:8101"});
    drive();
  }

  ~fixture() {
    for (auto* actors : {&on_earth, &on_mars}) {
      caf::anon_send_exit(actors->directory, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(actors->fanout, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(actors->manager, caf::exit_reason::user_shutdown);
    }
    drive();
  }

  node_actors start(planet_type& planet, std::string id, uint16_t port,
                    std::vector<std::string> seeds) {
    node_actors result;
    cluster_settings settings;
    settings.self = node_info{id, id, port, 0};
    settings.seeds = std::move(seeds);
    result.manager = planet.sys.spawn(fake_manager);
    result.fanout = planet.sys.spawn(fanout, fanout_settings{});
    result.directory = planet.sys.spawn(cluster_directory, settings,
                                        caf::actor_cast<room_manager_actor>(result.manager),
                                        result.fanout, db_worker_actor{});
    return result;
  }

  /// Runs both nodes and the simulated network until nothing moves. Timeouts never fire:
  /// the heartbeat re-arms forever, and a request's timeout must not overtake its reply.
  void drive() {
    auto step = [](planet_type& p) {
      return p.sched.try_run_once() || p.mpx.try_read_data() || p.mpx.try_exec_runnable() ||
             p.mpx.try_accept_connection();
    };
    while (step(earth) || step(mars))
      ; // repeat
  }

  /// Asks a node's directory for a room's actor, as a gateway of that node does.
  room_actor lookup(planet_type& planet, const cluster_directory_actor& directory, int64_t id) {
    auto found = std::make_shared<room_actor>();
    auto failed = std::make_shared<caf::error>();
    auto requester = planet.sys.spawn([=](caf::event_based_actor* self) -> caf::behavior {
      self->request(directory, caf::infinite, lookup_atom::value, id)
        .then([=](room_actor& room) { *found = room; }, [=](caf::error& err) { *failed = err; });
      return {[](ping_atom) {}};
    });
    drive();
    caf::anon_send_exit(requester, caf::exit_reason::user_shutdown);
    drive();
    CAF_CHECK(!*failed);
    CAF_REQUIRE(*found);
    return *found;
  }

  cluster_directory_state& directory_of(planet_type& planet, const node_actors& actors) {
    return planet.deref<directory_impl>(actors.directory).state;
  }

  fake_manager_state& manager_of(planet_type& planet, const node_actors& actors) {
    return planet.deref<manager_impl>(actors.manager).state;
  }

  /// A room id whose home among earth and mars is `home`.
  static int64_t room_homed_at(const std::string& home) {
    for (int64_t id = 1;; ++id)
      if (home_of(id, {"earth", "mars"}) == home)
        return id;
  }

  /// Cuts the connection between the planets (a read error on both ends).
  void cut() {
    using caf::io::network::operation;
    earth.mpx.impl_ptr(link.first)->io_failure(&earth.mpx, operation::read);
    mars.mpx.impl_ptr(link.second)->io_failure(&mars.mpx, operation::read);
    drive();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(cluster_directory_tests, fixture)

CAF_TEST(nodes connect through the seed and know each other) {
  CAF_CHECK_EQUAL(directory_of(earth, on_earth).peers.count("mars"), 1u);
  CAF_CHECK_EQUAL(directory_of(mars, on_mars).peers.count("earth"), 1u);
  // Each fan-out reaches the other node's (room updates).
  CAF_CHECK_EQUAL(earth.deref<fanout_impl>(on_earth.fanout).state.peers.size(), 1u);
  CAF_CHECK_EQUAL(mars.deref<fanout_impl>(on_mars.fanout).state.peers.size(), 1u);
}

CAF_TEST(a room is found on its home node from either node) {
  auto earth_room = room_homed_at("earth");
  auto mars_room = room_homed_at("mars");
  // From Mars: one room is remote, the other local.
  CAF_CHECK_EQUAL(lookup(mars, on_mars.directory, earth_room).node(), earth.sys.node());
  CAF_CHECK_EQUAL(lookup(mars, on_mars.directory, mars_room).node(), mars.sys.node());
  // From Earth: the same actors.
  CAF_CHECK_EQUAL(lookup(earth, on_earth.directory, mars_room).node(), mars.sys.node());
  CAF_CHECK_EQUAL(lookup(earth, on_earth.directory, earth_room).node(), earth.sys.node());
  // Each room was activated once, on its home.
  CAF_CHECK_EQUAL(manager_of(earth, on_earth).activated, std::vector<int64_t>{earth_room});
  CAF_CHECK_EQUAL(manager_of(mars, on_mars).activated, std::vector<int64_t>{mars_room});
}

CAF_TEST(a room activates only after the other nodes released it) {
  auto earth_room = room_homed_at("earth");
  lookup(earth, on_earth.directory, earth_room);
  // Mars was asked to hand the room off first (it might have held it under an older view).
  CAF_CHECK_EQUAL(manager_of(mars, on_mars).handed_off, std::vector<int64_t>{earth_room});
  // Known released since: a second lookup asks nobody.
  lookup(earth, on_earth.directory, earth_room);
  CAF_CHECK_EQUAL(manager_of(mars, on_mars).handed_off.size(), 1u);
}

CAF_TEST(a cut connection removes the peer and its rooms move to the nodes left) {
  auto mars_room = room_homed_at("mars");
  CAF_CHECK_EQUAL(lookup(earth, on_earth.directory, mars_room).node(), mars.sys.node());
  cut();
  CAF_CHECK_EQUAL(directory_of(earth, on_earth).peers.count("mars"), 0u);
  CAF_CHECK_EQUAL(directory_of(mars, on_mars).peers.count("earth"), 0u);
  CAF_CHECK(earth.deref<fanout_impl>(on_earth.fanout).state.peers.empty());
  // Earth alone now: Mars's room activates on Earth.
  CAF_CHECK_EQUAL(lookup(earth, on_earth.directory, mars_room).node(), earth.sys.node());
  CAF_CHECK_EQUAL(manager_of(earth, on_earth).activated, std::vector<int64_t>{mars_room});
}

CAF_TEST_FIXTURE_SCOPE_END()
