#include "protocol/type_registry.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/typed_actor.hpp>

#include "protocol/errors.hpp"
#include "protocol/interfaces/background.hpp"
#include "protocol/interfaces/cluster.hpp"
#include "protocol/interfaces/delivery.hpp"
#include "protocol/interfaces/gateway.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"
#include "protocol/types/change.hpp"
#include "protocol/types/cluster.hpp"
#include "protocol/types/delivery.hpp"
#include "protocol/types/message.hpp"
#include "protocol/types/outbox.hpp"
#include "protocol/types/people.hpp"
#include "protocol/types/room.hpp"
#include "protocol/types/room_admin.hpp"
#include "protocol/types/room_commit.hpp"
#include "protocol/types/saga.hpp"
#include "protocol/types/schedule.hpp"
#include "protocol/types/streamer.hpp"
#include "protocol/types/user.hpp"

namespace chat {

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<chat_message>("chat::chat_message");
  cfg.add_message_type<std::vector<chat_message>>("std::vector<chat::chat_message>");
  cfg.add_message_type<forward_ref>("chat::forward_ref");
  cfg.add_message_type<reaction_users>("chat::reaction_users");
  cfg.add_message_type<insert_outcome>("chat::insert_outcome");
  cfg.add_message_type<thread_query>("chat::thread_query");
  cfg.add_message_type<thread_summary>("chat::thread_summary");
  cfg.add_message_type<std::vector<thread_summary>>("std::vector<chat::thread_summary>");
  cfg.add_message_type<search_query>("chat::search_query");
  cfg.add_message_type<message_change>("chat::message_change");
  cfg.add_message_type<change_batch>("chat::change_batch");
  cfg.add_message_type<change_outcome>("chat::change_outcome");
  cfg.add_message_type<change_result>("chat::change_result");
  cfg.add_message_type<room_pin>("chat::room_pin");
  cfg.add_message_type<std::vector<room_pin>>("std::vector<chat::room_pin>");
  cfg.add_message_type<scheduled_message>("chat::scheduled_message");
  cfg.add_message_type<std::vector<scheduled_message>>("std::vector<chat::scheduled_message>");
  cfg.add_message_type<schedule_change>("chat::schedule_change");
  cfg.add_message_type<occurrence_outcome>("chat::occurrence_outcome");
  cfg.add_message_type<bookmark>("chat::bookmark");
  cfg.add_message_type<std::vector<bookmark>>("std::vector<chat::bookmark>");
  cfg.add_message_type<room_participant>("chat::room_participant");
  cfg.add_message_type<std::vector<room_participant>>("std::vector<chat::room_participant>");
  cfg.add_message_type<history_query>("chat::history_query");
  cfg.add_message_type<history_page>("chat::history_page");
  cfg.add_message_type<room_snapshot>("chat::room_snapshot");
  cfg.add_message_type<user>("chat::user");
  cfg.add_message_type<std::vector<user>>("std::vector<chat::user>");
  cfg.add_message_type<profile>("chat::profile");
  cfg.add_message_type<std::vector<profile>>("std::vector<chat::profile>");
  cfg.add_message_type<profile_update>("chat::profile_update");
  cfg.add_message_type<friend_request>("chat::friend_request");
  cfg.add_message_type<std::vector<friend_request>>("std::vector<chat::friend_request>");
  cfg.add_message_type<friend_requests>("chat::friend_requests");
  cfg.add_message_type<friend_outcome>("chat::friend_outcome");
  cfg.add_message_type<recommendation_query>("chat::recommendation_query");
  cfg.add_message_type<recommendation>("chat::recommendation");
  cfg.add_message_type<std::vector<recommendation>>("std::vector<chat::recommendation>");
  cfg.add_message_type<room_member>("chat::room_member");
  cfg.add_message_type<std::vector<room_member>>("std::vector<chat::room_member>");
  cfg.add_message_type<room_metadata>("chat::room_metadata");
  cfg.add_message_type<room_view>("chat::room_view");
  cfg.add_message_type<std::vector<room_view>>("std::vector<chat::room_view>");
  cfg.add_message_type<room_patch>("chat::room_patch");
  cfg.add_message_type<room_spec>("chat::room_spec");
  cfg.add_message_type<std::vector<room_spec>>("std::vector<chat::room_spec>");
  cfg.add_message_type<room_admin_result>("chat::room_admin_result");
  cfg.add_message_type<room_claim>("chat::room_claim");
  cfg.add_message_type<room_commit>("chat::room_commit");
  cfg.add_message_type<commit_result>("chat::commit_result");
  cfg.add_message_type<resolution>("chat::resolution");
  cfg.add_message_type<room_broadcast>("chat::room_broadcast");
  cfg.add_message_type<member_unread>("chat::member_unread");
  cfg.add_message_type<std::vector<member_unread>>("std::vector<chat::member_unread>");
  cfg.add_message_type<room_update>("chat::room_update");
  cfg.add_message_type<user_delivery>("chat::user_delivery");
  cfg.add_message_type<user_credentials>("chat::user_credentials");
  cfg.add_message_type<status_event>("chat::status_event");
  cfg.add_message_type<saga_outcome>("chat::saga_outcome");
  cfg.add_message_type<saga_dead_letter>("chat::saga_dead_letter");
  cfg.add_message_type<std::vector<saga_dead_letter>>("std::vector<chat::saga_dead_letter>");
  cfg.add_message_type<outbox_event>("chat::outbox_event");
  cfg.add_message_type<std::vector<outbox_event>>("std::vector<chat::outbox_event>");
  cfg.add_message_type<publish_report>("chat::publish_report");
  cfg.add_message_type<outbox_stats>("chat::outbox_stats");
  cfg.add_message_type<mention_notification>("chat::mention_notification");
  cfg.add_message_type<std::vector<mention_notification>>(
    "std::vector<chat::mention_notification>");
  cfg.add_message_type<consumer_stats>("chat::consumer_stats");
  cfg.add_message_type<sweep_report>("chat::sweep_report");
  cfg.add_message_type<relay_stats>("chat::relay_stats");
  cfg.add_message_type<std::vector<int64_t>>("std::vector<int64_t>");
  cfg.add_message_type<std::vector<std::string>>("std::vector<std::string>");
  cfg.add_message_type<status_sink_actor>("chat::status_sink_actor");
  cfg.add_message_type<subscriber_actor>("chat::subscriber_actor");
  cfg.add_message_type<room_actor>("chat::room_actor");
  cfg.add_message_type<room_manager_actor>("chat::room_manager_actor");
  cfg.add_message_type<room_directory_actor>("chat::room_directory_actor");
  cfg.add_message_type<fanout_actor>("chat::fanout_actor");
  cfg.add_message_type<peer_fanout_actor>("chat::peer_fanout_actor");
  cfg.add_message_type<std::vector<peer_fanout_actor>>("std::vector<chat::peer_fanout_actor>");
  cfg.add_message_type<node_info>("chat::node_info");
  cfg.add_message_type<member_view>("chat::member_view");
  cfg.add_message_type<std::vector<member_view>>("std::vector<chat::member_view>");
  cfg.add_message_type<node_root_actor>("chat::node_root_actor");
  cfg.add_message_type<cluster_directory_actor>("chat::cluster_directory_actor");
  cfg.add_error_category(chat_error_category(),
                         [](uint8_t code, caf::atom_value, const caf::message& ctx) {
                           std::string result = "chat: ";
                           result += to_string(static_cast<chat_errc>(code));
                           if (ctx.match_elements<std::string>()) {
                             result += " (";
                             result += ctx.get_as<std::string>(0);
                             result += ")";
                           }
                           return result;
                         });
}

} // namespace chat
