#include "actors/background/previewer.hpp"

#include <caf/config_option_adder.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/make_config_option.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/background/html_preview.hpp"
#include "protocol/clock.hpp"
#include "protocol/errors.hpp"
#include "protocol/metrics.hpp"
#include "protocol/types/change.hpp"

namespace chat {

void preview_settings::add_options(caf::config_option_set& options) {
  caf::config_option_adder{options, "previews"}
    .add(enabled, "enabled", "preview the first URL of messages")
    .add(allow_private, "allow-private",
         "fetch from loopback, link-local and private addresses too (tests, intranets)")
    .add(deny_addresses, "deny-addresses", "ranges never fetched, comma-separated CIDRs")
    .add(timeout, "timeout", "bound of a whole fetch, redirects included")
    .add(max_bytes, "max-bytes", "largest page read")
    .add(max_redirects, "max-redirects", "most redirects followed")
    .add(cache_ttl, "cache-ttl", "how long a fetched preview is reused")
    .add(max_fetches, "max-fetches", "pages fetched at once")
    .add(request_timeout, "request-timeout", "bound of each store and room request")
    .add(user_agent, "user-agent", "the User-Agent of fetches");
}

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> result;
  size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    auto item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto first = item.find_first_not_of(' ');
    if (first != std::string::npos)
      result.push_back(item.substr(first, item.find_last_not_of(' ') - first + 1));
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return result;
}

} // namespace

std::string preview_settings::check() const {
  if (timeout <= caf::timespan{0} || cache_ttl <= caf::timespan{0} ||
      request_timeout <= caf::timespan{0})
    return "previews.timeout, previews.cache-ttl and previews.request-timeout must be positive";
  if (max_bytes == 0 || max_fetches == 0)
    return "previews.max-bytes and previews.max-fetches must be positive";
  if (max_redirects > 10)
    return "previews.max-redirects must be at most 10";
  for (auto& range : split(deny_addresses))
    if (!parse_address_range(range))
      return "previews.deny-addresses: '" + range + "' is not an address range";
  return {};
}

fetch_limits preview_settings::limits() const {
  fetch_limits result;
  result.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  result.max_bytes = max_bytes;
  result.max_redirects = static_cast<int>(max_redirects);
  result.allow_private = allow_private;
  for (auto& range : split(deny_addresses))
    if (auto parsed = parse_address_range(range))
      result.denied.push_back(*parsed);
  result.user_agent = user_agent;
  return result;
}

std::string preview_json(const std::string& url, const fetched_page& page) {
  using json = nlohmann::json;
  auto meta = extract_preview(page.html);
  if (meta.empty())
    return {};
  auto image = meta.image_url.empty() ? std::string{} : resolve_url(page.url, meta.image_url);
  auto text = [](const std::string& x) { return x.empty() ? json(nullptr) : json(x); };
  return json{{"url", url},
              {"title", text(meta.title)},
              {"description", text(meta.description)},
              {"imageUrl", text(image)},
              {"siteName", text(meta.site_name)}}
    .dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

using previewer_ptr = previewer_actor::stateful_pointer<previewer_state>;

/// Writes a preview through the room of each message waiting for it.
void apply(previewer_ptr self, const std::string& url, const std::string& preview) {
  auto& st = self->state;
  auto i = st.waiting.find(url);
  if (i == st.waiting.end())
    return;
  auto messages = std::move(i->second);
  st.waiting.erase(i);
  auto timeout = st.settings.request_timeout;
  for (auto& [room_id, message_id] : messages) {
    message_change change{change_kind::preview, message_id, 0, preview, now_ms()};
    auto id = message_id;
    self->request(st.directory, timeout, lookup_atom::value, room_id)
      .then(
        [self, change, timeout, id](room_actor& room) {
          self->request(room, timeout, change_atom::value, change)
            .then([](change_outcome&) {},
                  [id](caf::error& err) {
                    spdlog::info("previews: message {}: not previewed: {}", id, describe(err));
                  });
        },
        [id](caf::error& err) {
          spdlog::info("previews: message {}: no room: {}", id, describe(err));
        });
  }
}

void start_fetches(previewer_ptr self) {
  auto& st = self->state;
  while (st.fetching < st.settings.max_fetches && !st.queued.empty()) {
    auto url = std::move(st.queued.front());
    st.queued.pop_front();
    ++st.fetching;
    auto limits = st.limits;
    auto home = caf::actor_cast<previewer_actor>(self);
    // Blocking work on its own thread: never on a scheduler thread.
    self->spawn<caf::detached>([url, limits, home](caf::event_based_actor* worker) {
      auto page = fetch_page(url, limits);
      std::string preview = page.ok ? preview_json(url, page) : std::string{};
      if (!page.ok)
        spdlog::info("previews: {}: {}", url.substr(0, 200), page.error);
      worker->send(home, fetched_atom::value, url, preview, page.refused);
      worker->quit();
    });
  }
}

} // namespace

previewer_actor::behavior_type previewer(previewer_ptr self, preview_settings settings,
                                         preview_store_actor store) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.limits = st.settings.limits();
  st.store = std::move(store);
  return {
    [=](preview_atom, int64_t room_id, const std::string& message_id, const std::string& content) {
      auto& st = self->state;
      auto url = first_url(content);
      if (url.empty() || !st.directory)
        return;
      auto& waiting = st.waiting[url];
      waiting.emplace_back(room_id, message_id);
      if (waiting.size() > 1)
        return; // read or fetched already for an earlier message
      auto ttl = std::chrono::duration_cast<std::chrono::milliseconds>(st.settings.cache_ttl);
      self
        ->request(st.store, st.settings.request_timeout, cached_preview_atom::value, url,
                  static_cast<int64_t>(ttl.count()))
        .then(
          [self, url](std::string& cached) {
            if (!cached.empty()) {
              ++metrics::instance().previews_cached;
              apply(self, url, cached);
              return;
            }
            self->state.queued.push_back(url);
            start_fetches(self);
          },
          [self, url](caf::error&) {
            self->state.queued.push_back(url);
            start_fetches(self);
          });
    },
    [=](room_directory_actor& directory) { self->state.directory = std::move(directory); },
    [=](fetched_atom, const std::string& url, const std::string& preview, bool refused) {
      auto& st = self->state;
      --st.fetching;
      auto& counters = metrics::instance();
      if (preview.empty()) {
        ++(refused ? counters.previews_refused : counters.previews_failed);
        st.waiting.erase(url); // a failed fetch leaves no preview and no error
      } else {
        ++counters.previews_fetched;
        self
          ->request(st.store, st.settings.request_timeout, cache_preview_atom::value, url, preview)
          .then([](bool) {}, [](caf::error&) {});
        apply(self, url, preview);
      }
      start_fetches(self);
    },
  };
}

} // namespace chat
