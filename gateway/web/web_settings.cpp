#include "gateway/web/web_settings.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/config_option_set.hpp>

#ifndef CHAT_SOURCE_DIR
#define CHAT_SOURCE_DIR "."
#endif

namespace chat {

void web_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "web"}
    .add(enabled, "enabled", "serve the web client at / and Swagger UI at /swagger-ui")
    .add(root, "root", "folder of the built web client (\"\": this source tree's web/dist)")
    .add(allowed_origins, "allowed-origins",
         "other origins browsers may use the node from, comma-separated (\"*\": any)");
}

std::string web_settings::check() const {
  for (auto& origin : origin_list())
    if (origin != "*" && origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0)
      return "web.allowed-origins: '" + origin + "' is not an origin (http(s)://host[:port])";
  return {};
}

std::string web_settings::root_folder() const {
  return root.empty() ? std::string{CHAT_SOURCE_DIR} + "/web/dist" : root;
}

std::vector<std::string> web_settings::origin_list() const {
  std::vector<std::string> result;
  size_t start = 0;
  while (start <= allowed_origins.size()) {
    auto end = allowed_origins.find(',', start);
    if (end == std::string::npos)
      end = allowed_origins.size();
    auto item = allowed_origins.substr(start, end - start);
    auto first = item.find_first_not_of(" \t");
    auto last = item.find_last_not_of(" \t/");
    if (first != std::string::npos)
      result.push_back(item.substr(first, last - first + 1));
    start = end + 1;
  }
  return result;
}

} // namespace chat
