#include "gateway/rest/rest_api.hpp"

#include "gateway/http/router.hpp"
#include "gateway/rest/routes.hpp"
#include "gateway/web/web_handler.hpp"

namespace chat {

std::shared_ptr<router> make_rest_router(std::shared_ptr<gateway_context> ctx,
                                         admin_context admin) {
  auto routes = std::make_shared<router>();
  rest::add_ops_routes(*routes, ctx);
  rest::add_auth_routes(*routes, ctx);
  rest::add_user_routes(*routes, ctx);
  rest::add_people_routes(*routes, ctx);
  rest::add_friend_routes(*routes, ctx);
  rest::add_room_routes(*routes, ctx);
  rest::add_participant_routes(*routes, ctx);
  rest::add_room_admin_routes(*routes, ctx);
  rest::add_message_routes(*routes, ctx);
  rest::add_thread_routes(*routes, ctx);
  rest::add_reaction_and_pin_routes(*routes, ctx);
  rest::add_search_and_bookmark_routes(*routes, ctx);
  rest::add_forward_routes(*routes, ctx);
  rest::add_schedule_routes(*routes, ctx);
  add_admin_routes(*routes, admin);
  add_openapi_routes(*routes);
  return routes;
}

http_handler make_rest_api(std::shared_ptr<gateway_context> ctx, admin_context admin) {
  auto routes = make_rest_router(std::move(ctx), admin);
  return [routes](http_request request, http_responder respond) {
    routes->dispatch(std::move(request), std::move(respond));
  };
}

} // namespace chat
