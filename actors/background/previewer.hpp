// The previewer of a node: after a message with an http(s) URL is committed, its room tells the
// previewer, which reads the URL's preview from the cache or fetches the page on a detached
// worker (page_fetch: limits and SSRF checks; html_preview: a real HTML parser), caches it, and
// writes it through the message's room as a PREVIEW change (one event in the room's version
// order, pushed on /topic/message/updates/{roomId}). A failed or refused fetch writes nothing.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/background/page_fetch.hpp"
#include "protocol/interfaces/background.hpp"
#include "protocol/interfaces/room.hpp"
#include "protocol/interfaces/stores.hpp"

namespace chat {

/// [previews] in config/chatd.ini.
struct preview_settings {
  bool enabled = true;
  /// Fetch from loopback, link-local and private addresses too (never on a public server).
  bool allow_private = false;
  /// Ranges never fetched besides those, comma-separated (e.g. "10.1.0.0/16,fd00::/8").
  std::string deny_addresses;
  caf::timespan timeout = std::chrono::seconds(5);
  size_t max_bytes = 1024 * 1024;
  size_t max_redirects = 3;
  caf::timespan cache_ttl = std::chrono::hours(24);
  /// Pages fetched at once (each on its own detached worker).
  size_t max_fetches = 4;
  caf::timespan request_timeout = std::chrono::seconds(10);
  std::string user_agent = "ShootPreview/1.0 (+chat link previews)";

  void add_options(caf::config_option_set& options);

  /// "" or what is wrong.
  std::string check() const;

  /// The fetcher's limits (deny_addresses parsed).
  fetch_limits limits() const;
};

struct previewer_state {
  static inline const char* name = "previewer";

  preview_settings settings;
  fetch_limits limits;
  preview_store_actor store;
  room_directory_actor directory;
  /// The messages waiting for a URL's preview: (room, message id) per URL.
  std::unordered_map<std::string, std::vector<std::pair<int64_t, std::string>>> waiting;
  /// URLs to fetch once a worker is free, oldest first.
  std::deque<std::string> queued;
  size_t fetching = 0;
};

previewer_actor::behavior_type previewer(previewer_actor::stateful_pointer<previewer_state> self,
                                         preview_settings settings, preview_store_actor store);

/// The preview JSON of a fetched page ({url, title, description, imageUrl, siteName}; `url` as
/// the message wrote it), or "" when the page says nothing worth showing.
std::string preview_json(const std::string& url, const fetched_page& page);

} // namespace chat
