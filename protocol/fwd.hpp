// Forward declarations of every domain type of the system: cheap to include in headers that
// only name the types (interfaces, settings, function declarations). The definitions are in
// protocol/types/, one header per type family.
#pragma once

#include <cstdint>

namespace chat {

// -- types/message.hpp ------------------------------------------------------------------------
enum class message_state : uint8_t;
struct forward_ref;
struct reaction_users;
struct chat_message;
struct insert_outcome;
struct history_query;
struct history_page;
struct room_snapshot;
struct thread_query;
struct thread_summary;
struct search_query;

// -- types/user.hpp ---------------------------------------------------------------------------
struct user;
struct user_credentials;

// -- types/schedule.hpp -----------------------------------------------------------------------
struct scheduled_message;
struct schedule_change;
struct occurrence_outcome;

// -- types/people.hpp -------------------------------------------------------------------------
struct profile;
struct profile_update;
struct friend_request;
struct friend_requests;
struct friend_outcome;
struct recommendation_query;
struct recommendation;

// -- types/room.hpp ---------------------------------------------------------------------------
struct room_member;
struct room_participant;
struct room_metadata;
struct room_view;
struct room_claim;
struct room_commit;
struct commit_result;
struct resolution;
struct read_position;

// -- types/room_admin.hpp ---------------------------------------------------------------------
struct room_patch;
struct room_spec;
struct room_admin_result;

// -- types/change.hpp -------------------------------------------------------------------------
enum class change_kind : uint8_t;
struct message_change;
struct change_batch;
struct change_outcome;
struct change_result;
struct room_pin;
struct bookmark;

// -- types/delivery.hpp -----------------------------------------------------------------------
enum class room_topic : uint8_t;
struct room_broadcast;
struct member_unread;
struct room_update;
struct local_broadcast;
struct user_delivery;

// -- types/saga.hpp ---------------------------------------------------------------------------
enum class saga_state : uint8_t;
enum class delivery_status : uint8_t;
struct status_event;
struct saga_outcome;
struct saga_dead_letter;
struct sweep_report;

// -- types/outbox.hpp -------------------------------------------------------------------------
struct outbox_event;
struct publish_report;
struct outbox_stats;
struct relay_stats;

// -- types/cluster.hpp ------------------------------------------------------------------------
struct node_info;
struct member_view;

// -- types/streamer.hpp -----------------------------------------------------------------------
struct chat_event;
struct mention_notification;
struct consumer_stats;

// -- errors.hpp -------------------------------------------------------------------------------
enum class chat_errc : uint8_t;

} // namespace chat
