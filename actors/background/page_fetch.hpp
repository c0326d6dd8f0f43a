// Fetching a web page for a URL preview, safely: libcurl with the contract's limits (time,
// size, redirects, text/html only) and SSRF protection. Every hop's host is resolved here and
// each of its addresses checked (loopback, link-local, private, multicast, unspecified and the
// configured denied ranges are refused) before connecting, and the connection is pinned to
// the checked address, so DNS cannot answer differently between the check and the connect.
// Blocking: run on a detached worker.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sockaddr;

namespace chat {

/// An IPv4 or IPv6 range, e.g. 10.0.0.0/8 or fd00::/8 (IPv4 as ::ffff:a.b.c.d/96+n).
struct address_range {
  std::array<uint8_t, 16> bytes{};
  int prefix = 0;
};

/// Parses "a.b.c.d[/n]" or "x:y::z[/n]"; nullopt when malformed.
std::optional<address_range> parse_address_range(std::string_view text);

/// Whether a page at this address may be fetched: a public unicast address that no denied
/// range holds; with `allow_private`, every address but the denied ones.
bool address_allowed(const sockaddr* address, bool allow_private,
                     const std::vector<address_range>& denied);

/// The same for a numeric address ("127.0.0.1", "::1"); false when it is not one.
bool address_allowed(const std::string& numeric, bool allow_private,
                     const std::vector<address_range>& denied);

struct fetch_limits {
  std::chrono::milliseconds timeout{5000};
  size_t max_bytes = 1024 * 1024;
  int max_redirects = 3;
  bool allow_private = false;
  std::vector<address_range> denied;
  std::string user_agent = "ShootPreview/1.0";
};

struct fetched_page {
  /// The page as UTF-8 (converted from its charset), when `ok`.
  bool ok = false;
  std::string html;
  /// The address the page was read from (after redirects).
  std::string url;
  /// Why not: refused (an address, a scheme, not HTML, too large) or failed (timeout, HTTP
  /// error, network).
  bool refused = false;
  std::string error;
};

/// Fetches an http(s) page within the limits. Never throws.
fetched_page fetch_page(const std::string& url, const fetch_limits& limits);

/// `relative` resolved against `base` (an absolute http(s) URL), or "" when it is not a valid
/// http(s) URL then.
std::string resolve_url(const std::string& base, const std::string& relative);

/// The first http:// or https:// URL in a message's text (trailing punctuation excluded), or
/// "" when there is none or it is longer than 2048 bytes.
std::string first_url(std::string_view text);

} // namespace chat
