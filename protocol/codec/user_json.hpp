// JSON of users.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "protocol/fwd.hpp"

namespace chat {

/// `{id, username, nickname}`.
nlohmann::json to_json(const user& x);

} // namespace chat
