#include "persistence/membership/membership_store.hpp"

#include "persistence/bookmarks/bookmark_queries.hpp"
#include "persistence/db/sql_util.hpp"
#include "persistence/membership/membership_queries.hpp"
#include "protocol/types/change.hpp"
#include "protocol/types/room.hpp"

namespace chat {

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
          return membership_queries::create_room(db, title, type, creator, participants);
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
    [=](add_members_atom, int64_t room, std::vector<int64_t> users) {
      return queue_single(
        self->state,
        [room, users](db_connection& db) {
          membership_queries::add_members(db, room, users);
          return true;
        },
        self->make_response_promise<bool>());
    },
    [=](remove_member_atom, int64_t room, int64_t user) {
      return queue_single(
        self->state,
        [room, user](db_connection& db) {
          return membership_queries::remove_member(db, room, user);
        },
        self->make_response_promise<bool>());
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
