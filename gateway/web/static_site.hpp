// The web client's files (web/dist), read into memory once at start-up: a request can only
// name a file that was there, so no path of a request ever reaches the file system.
#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace chat {

struct http_response;

class static_site {
public:
  /// Reads every regular file under `folder`; an absent folder is an empty site.
  explicit static_site(const std::string& folder);

  /// The file of a URL path ("/" and "/dir/" are their index.html), or nullptr.
  const http_response* find(const std::string& path) const;

  /// Whether the path is a folder that has an index.html ("/swagger-ui" without its slash).
  bool is_folder(const std::string& path) const;

  size_t size() const { return files_.size(); }

private:
  std::map<std::string, http_response> files_;
};

/// The Content-Type of a file name by its extension.
const char* content_type_of(const std::string& name);

} // namespace chat
