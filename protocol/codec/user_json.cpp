#include "protocol/codec/user_json.hpp"

#include <nlohmann/json.hpp>

#include "protocol/types/user.hpp"

namespace chat {

using json = nlohmann::json;

json to_json(const user& x) {
  return json{{"id", x.id}, {"username", x.username}, {"nickname", x.nickname}};
}

} // namespace chat
