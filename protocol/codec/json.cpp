#include "protocol/codec/json.hpp"

#include <nlohmann/json.hpp>

namespace chat {

std::string dump(const nlohmann::json& x) {
  return x.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace chat
