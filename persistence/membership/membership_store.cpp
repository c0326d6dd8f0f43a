#include "persistence/membership/membership_store.hpp"

#include "persistence/bookmarks/bookmark_queries.hpp"
#include "persistence/db/sql_util.hpp"
#include "persistence/membership/membership_queries.hpp"
#include "persistence/membership/room_admin_queries.hpp"
#include "protocol/types/change.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/room_admin.hpp"

namespace chat {

namespace {

using self_ptr = membership_store_actor::stateful_pointer<membership_store_state>;

/// Queues a change of a room.
template <class Job> caf::typed_response_promise<room_admin_result> admin(self_ptr self, Job job) {
  return queue_single(self->state, std::move(job),
                      self->make_response_promise<room_admin_result>());
}

} // namespace

membership_store_actor::behavior_type
membership_store(membership_store_actor::stateful_pointer<membership_store_state> self,
                 store_settings settings) {
  self->state.pool.start(self, settings.dsn, settings.pool_size,
                         single_jobs_of(self->state.singles));
  return {
    [=](create_atom, std::string title, std::string type, int64_t creator,
        std::vector<int64_t> participants) {
      return queue_single(
        self->state,
        [title, type, creator, participants](db_connection& db) {
          return room_admin_queries::create_rooms(db, creator, {{title, type, participants}})
            .front();
        },
        self->make_response_promise<room_view>());
    },
    [=](rooms_of_atom, int64_t user) {
      return queue_single(
        self->state, [user](db_connection& db) { return membership_queries::rooms_of(db, user); },
        self->make_response_promise<std::vector<room_view>>());
    },
    [=](view_atom, int64_t room, int64_t user) {
      return queue_single(
        self->state,
        [room, user](db_connection& db) { return membership_queries::view(db, room, user); },
        self->make_response_promise<room_view>());
    },
    [=](member_views_atom, int64_t room) {
      return queue_single(
        self->state,
        [room](db_connection& db) { return membership_queries::member_views(db, room); },
        self->make_response_promise<std::vector<room_view>>());
    },
    [=](create_many_atom, int64_t creator, std::vector<room_spec> specs) {
      return queue_single(
        self->state,
        [creator, specs](db_connection& db) {
          return room_admin_queries::create_rooms(db, creator, specs);
        },
        self->make_response_promise<std::vector<room_view>>());
    },
    [=](add_members_atom, int64_t room, int64_t caller, std::vector<int64_t> users) {
      return admin(self, [=](db_connection& db) {
        return room_admin_queries::add_members(db, room, caller, users);
      });
    },
    [=](remove_member_atom, int64_t room, int64_t caller, int64_t user) {
      return admin(self, [=](db_connection& db) {
        return room_admin_queries::remove_member(db, room, caller, user);
      });
    },
    [=](room_update_atom, int64_t room, int64_t caller, room_patch patch) {
      return admin(self, [=](db_connection& db) {
        return room_admin_queries::update(db, room, caller, patch);
      });
    },
    [=](leave_atom, int64_t room, int64_t caller, bool for_everyone) {
      return admin(self, [=](db_connection& db) {
        return room_admin_queries::leave(db, room, caller, for_everyone);
      });
    },
    [=](role_atom, int64_t room, int64_t caller, int64_t user, std::string role) {
      return admin(self, [=](db_connection& db) {
        return room_admin_queries::set_role(db, room, caller, user, role);
      });
    },
    [=](notice_atom, int64_t room, int64_t caller, std::string content) {
      return admin(self, [=](db_connection& db) {
        return room_admin_queries::set_notice(db, room, caller, content);
      });
    },
    [=](favorite_atom, int64_t user, int64_t room, bool favorite) {
      return queue_single(
        self->state,
        [=](db_connection& db) {
          return room_admin_queries::set_favorite(db, user, room, favorite);
        },
        self->make_response_promise<room_view>());
    },
    [=](favorites_atom, int64_t user) {
      return queue_single(
        self->state, [user](db_connection& db) { return membership_queries::favorites(db, user); },
        self->make_response_promise<std::vector<room_view>>());
    },
    [=](room_search_atom, int64_t user, std::string text, int32_t limit) {
      return queue_single(
        self->state,
        [=](db_connection& db) { return membership_queries::search(db, user, text, limit); },
        self->make_response_promise<std::vector<room_view>>());
    },
    [=](participants_atom, int64_t room) {
      return queue_single(
        self->state,
        [room](db_connection& db) { return membership_queries::participants(db, room); },
        self->make_response_promise<std::vector<room_participant>>());
    },
    [=](bookmark_atom, int64_t user, std::string message_id, int64_t room, bool add) {
      return queue_single(
        self->state,
        [user, message_id, room, add](db_connection& db) {
          return bookmark_queries::set(db, user, message_id, room, add);
        },
        self->make_response_promise<bool>());
    },
    [=](bookmarks_atom, int64_t user, int64_t room) {
      return queue_single(
        self->state,
        [user, room](db_connection& db) { return bookmark_queries::list(db, user, room); },
        self->make_response_promise<std::vector<bookmark>>());
    },
    [=](mark_read_atom, int64_t room, int64_t user, int64_t seq) {
      return queue_single(
        self->state,
        [room, user, seq](db_connection& db) {
          return membership_queries::mark_read(db, room, user, seq);
        },
        self->make_response_promise<room_view>());
    },
    [=](ping_atom) {
      return queue_single(
        self->state, [](db_connection& db) { return ping(db); },
        self->make_response_promise<bool>());
    },
  };
}

} // namespace chat
