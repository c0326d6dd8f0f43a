// [web] in config/chatd.ini: the web client, the API document and the browser rules
// (allowed origins) of a node.
#pragma once

#include <string>
#include <vector>

#include <caf/fwd.hpp>

namespace chat {

struct web_settings {
  /// Serve the web client and Swagger UI at all.
  bool enabled = true;
  /// The built web client (web/dist); "" is this source tree's web/dist.
  std::string root;
  /// Origins besides the node's own that browsers may call it from (REST and WebSocket),
  /// comma-separated, e.g. "https://chat.example.com"; "*" is any origin.
  std::string allowed_origins;

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;

  /// The folder served: `root`, or the default.
  std::string root_folder() const;

  /// `allowed_origins`, split and trimmed.
  std::vector<std::string> origin_list() const;
};

} // namespace chat
