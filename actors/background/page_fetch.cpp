#include "actors/background/page_fetch.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <strings.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <iconv.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "actors/background/html_preview.hpp"

namespace chat {

namespace {

using bytes16 = std::array<uint8_t, 16>;

/// IPv4 as an IPv4-mapped IPv6 address (::ffff:a.b.c.d).
bytes16 mapped(const in_addr& v4) {
  bytes16 result{};
  result[10] = 0xff;
  result[11] = 0xff;
  std::memcpy(result.data() + 12, &v4, 4);
  return result;
}

bool in_range(const bytes16& address, const address_range& range) {
  int full = range.prefix / 8;
  if (std::memcmp(address.data(), range.bytes.data(), static_cast<size_t>(full)) != 0)
    return false;
  int rest = range.prefix % 8;
  if (rest == 0)
    return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (address[full] & mask) == (range.bytes[full] & mask);
}

/// Ranges that are never fetched (RFC 6890 special-purpose addresses that are not global).
const std::vector<address_range>& special_ranges() {
  static const std::vector<address_range> ranges = [] {
    std::vector<address_range> result;
    for (auto text : {
           "0.0.0.0/8",       // "this network", unspecified
           "10.0.0.0/8",      // private
           "100.64.0.0/10",   // shared address space (carrier NAT)
           "127.0.0.0/8",     // loopback
           "169.254.0.0/16",  // link-local
           "172.16.0.0/12",   // private
           "192.0.0.0/24",    // IETF protocol assignments
           "192.0.2.0/24",    // documentation
           "192.168.0.0/16",  // private
           "198.18.0.0/15",   // benchmarking
           "198.51.100.0/24", // documentation
           "203.0.113.0/24",  // documentation
           "224.0.0.0/4",     // multicast
           "240.0.0.0/4",     // reserved, broadcast
           "::/128",          // unspecified
           "::1/128",         // loopback
           "64:ff9b:1::/48",  // local-use IPv4/IPv6 translation
           "100::/64",        // discard-only
           "2001:db8::/32",   // documentation
           "fc00::/7",        // unique local (private)
           "fe80::/10",       // link-local
           "fec0::/10",       // site-local (deprecated)
           "ff00::/8",        // multicast
         })
      result.push_back(*parse_address_range(text));
    return result;
  }();
  return ranges;
}

/// An IPv6 address that carries an IPv4 one (mapped, compatible or NAT64): that one counts.
bytes16 effective(const bytes16& address) {
  static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  bool compatible =
    std::all_of(address.begin(), address.begin() + 12, [](uint8_t b) { return b == 0; }) &&
    !(address[12] == 0 && address[13] == 0 && address[14] == 0 && address[15] <= 1);
  if (compatible || std::memcmp(address.data(), nat64, 12) == 0) {
    bytes16 result{};
    result[10] = 0xff;
    result[11] = 0xff;
    std::copy(address.begin() + 12, address.end(), result.begin() + 12);
    return result;
  }
  return address;
}

bool allowed(const bytes16& raw, bool allow_private, const std::vector<address_range>& denied) {
  auto address = effective(raw);
  for (auto& range : denied)
    if (in_range(address, range) || in_range(raw, range))
      return false;
  if (allow_private)
    return true;
  for (auto& range : special_ranges())
    if (in_range(address, range))
      return false;
  return true;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct url_parts {
  std::string scheme, host, port;
};

using url_ptr = std::unique_ptr<CURLU, void (*)(CURLU*)>;

url_ptr make_url() {
  return url_ptr{curl_url(), curl_url_cleanup};
}

std::string part(CURLU* url, CURLUPart which, unsigned flags = 0) {
  char* text = nullptr;
  if (curl_url_get(url, which, &text, flags) != CURLUE_OK || text == nullptr)
    return {};
  std::string result{text};
  curl_free(text);
  return result;
}

std::optional<url_parts> parts_of(const std::string& url) {
  auto handle = make_url();
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return std::nullopt;
  url_parts result{lower(part(handle.get(), CURLUPART_SCHEME)), part(handle.get(), CURLUPART_HOST),
                   part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT)};
  if ((result.scheme != "http" && result.scheme != "https") || result.host.empty() ||
      result.port.empty())
    return std::nullopt;
  return result;
}

/// The body callback: stops the transfer once the page would pass the limit.
struct body_sink {
  CURL* handle = nullptr;
  std::string data;
  size_t limit = 0;
  bool too_large = false;
  bool not_html = false;
};

bool is_html(std::string_view content_type) {
  return lower(std::string{content_type.substr(0, 9)}) == "text/html";
}

size_t on_body(char* ptr, size_t size, size_t count, void* user) {
  auto* sink = static_cast<body_sink*>(user);
  auto bytes = size * count;
  // The headers are in when the body starts: a page that is not HTML is not read at all.
  long status = 0;
  char* type = nullptr;
  if (sink->data.empty() &&
      curl_easy_getinfo(sink->handle, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
      status >= 200 && status < 300 &&
      curl_easy_getinfo(sink->handle, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK &&
      !is_html(type != nullptr ? type : "")) {
    sink->not_html = true;
    return 0; // aborts with CURLE_WRITE_ERROR
  }
  if (sink->data.size() + bytes > sink->limit) {
    sink->too_large = true;
    return 0; // aborts with CURLE_WRITE_ERROR
  }
  sink->data.append(ptr, bytes);
  return bytes;
}

/// The bytes as UTF-8; a charset iconv does not know leaves them as they are (the parser
/// replaces what is not UTF-8).
std::string to_utf8(const std::string& bytes, const std::string& charset) {
  if (charset.empty() || charset == "utf-8" || charset == "utf8" || charset == "us-ascii")
    return bytes;
  iconv_t cd = iconv_open("UTF-8//IGNORE", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1))
    return bytes;
  std::string result(bytes.size() * 4 + 16, '\0');
  auto* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* out = result.data();
  size_t out_left = result.size();
  while (in_left > 0) {
    if (iconv(cd, &in, &in_left, &out, &out_left) != static_cast<size_t>(-1))
      break;
    if (errno == EILSEQ || errno == EINVAL) {
      // Skips what cannot be converted (//IGNORE reports it at the end as well).
      if (in_left == 0 || errno == EINVAL)
        break;
      ++in;
      --in_left;
      continue;
    }
    break; // E2BIG cannot happen: four output bytes per input byte suffice
  }
  iconv_close(cd);
  result.resize(result.size() - out_left);
  return result;
}

std::string charset_of(const std::string& content_type) {
  auto type = lower(content_type);
  auto at = type.find("charset=");
  if (at == std::string::npos)
    return {};
  auto value = type.substr(at + 8);
  value.erase(std::remove(value.begin(), value.end(), '"'), value.end());
  auto end = value.find_first_of(" ;");
  return end == std::string::npos ? value : value.substr(0, end);
}

fetched_page refuse(std::string why) {
  fetched_page result;
  result.refused = true;
  result.error = std::move(why);
  return result;
}

fetched_page fail(std::string why) {
  fetched_page result;
  result.error = std::move(why);
  return result;
}

/// Resolves a hop's host and checks every address; the one to pin, or the refusal.
std::optional<std::string> checked_address(const url_parts& hop, const fetch_limits& limits,
                                           std::string& why) {
  auto host = hop.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), hop.port.c_str(), &hints, &found) != 0 || found == nullptr) {
    why = "cannot resolve " + host;
    return std::nullopt;
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard{found, freeaddrinfo};
  std::string first;
  for (auto* info = found; info != nullptr; info = info->ai_next) {
    if (!address_allowed(info->ai_addr, limits.allow_private, limits.denied)) {
      why = host + " resolves to an address that is not fetched";
      return std::nullopt;
    }
    if (first.empty()) {
      char text[INET6_ADDRSTRLEN] = {};
      const void* raw =
        info->ai_family == AF_INET
          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(info->ai_addr)->sin_addr)
          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(info->ai_addr)->sin6_addr);
      inet_ntop(info->ai_family, raw, text, sizeof(text));
      first = info->ai_family == AF_INET6 ? "[" + std::string{text} + "]" : std::string{text};
    }
  }
  if (first.empty())
    why = "no address for " + host;
  return first.empty() ? std::nullopt : std::optional<std::string>{first};
}

} // namespace

std::optional<address_range> parse_address_range(std::string_view text) {
  auto slash = text.find('/');
  std::string address{text.substr(0, slash)};
  address_range result;
  in_addr v4{};
  in6_addr v6{};
  int max = 0;
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    result.bytes = mapped(v4);
    max = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    std::memcpy(result.bytes.data(), &v6, 16);
    max = 128;
  } else {
    return std::nullopt;
  }
  int prefix = max;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    prefix = std::stoi(std::string{digits});
    if (prefix > max)
      return std::nullopt;
  }
  result.prefix = max == 32 ? 96 + prefix : prefix;
  return result;
}

bool address_allowed(const sockaddr* address, bool allow_private,
                     const std::vector<address_range>& denied) {
  if (address == nullptr)
    return false;
  if (address->sa_family == AF_INET)
    return allowed(mapped(reinterpret_cast<const sockaddr_in*>(address)->sin_addr), allow_private,
                   denied);
  if (address->sa_family == AF_INET6) {
    bytes16 raw{};
    std::memcpy(raw.data(), &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, 16);
    return allowed(raw, allow_private, denied);
  }
  return false;
}

bool address_allowed(const std::string& numeric, bool allow_private,
                     const std::vector<address_range>& denied) {
  auto range = parse_address_range(numeric);
  return range && range->prefix == 128 && allowed(range->bytes, allow_private, denied);
}

fetched_page fetch_page(const std::string& start, const fetch_limits& limits) {
  global_init();
  auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  std::string url = start;
  for (int hop = 0; hop <= limits.max_redirects; ++hop) {
    auto parts = parts_of(url);
    if (!parts)
      return refuse("not an http(s) URL: " + url.substr(0, 200));
    std::string why;
    auto address = checked_address(*parts, limits, why);
    if (!address)
      return refuse(why);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return fail("timed out");
    std::unique_ptr<CURL, void (*)(CURL*)> curl{curl_easy_init(), curl_easy_cleanup};
    if (!curl)
      return fail("no curl handle");
    // The connection goes to the checked address, whatever DNS would answer now.
    auto pin = parts->host + ":" + parts->port + ":" + *address;
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> resolve{
      curl_slist_append(nullptr, pin.c_str()), curl_slist_free_all};
    auto* h = curl.get();
    body_sink sink;
    sink.handle = h;
    sink.limit = limits.max_bytes;
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); // each hop is checked here
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");       // no proxy from the environment
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_bytes));
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, limits.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    auto code = curl_easy_perform(h);
    char* type = nullptr;
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
    std::string content_type = type != nullptr ? type : "";
    if (sink.not_html)
      return refuse("not HTML: " + content_type.substr(0, 100));
    if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED)
      return refuse("larger than " + std::to_string(limits.max_bytes) + " bytes");
    if (code == CURLE_OPERATION_TIMEDOUT)
      return fail("timed out");
    if (code != CURLE_OK)
      return fail(curl_easy_strerror(code));
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 300 && status < 400) {
      char* next = nullptr;
      curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &next);
      if (next == nullptr)
        return fail("a redirect without a location");
      url = next;
      continue;
    }
    if (status < 200 || status >= 300)
      return fail("HTTP " + std::to_string(status));
    if (!is_html(content_type))
      return refuse("not HTML: " + content_type.substr(0, 100));
    auto charset = charset_of(content_type);
    if (charset.empty())
      charset = declared_charset(sink.data);
    fetched_page result;
    result.ok = true;
    result.url = url;
    result.html = to_utf8(sink.data, charset);
    return result;
  }
  return refuse("more than " + std::to_string(limits.max_redirects) + " redirects");
}

std::string resolve_url(const std::string& base, const std::string& relative) {
  auto handle = make_url();
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK ||
      curl_url_set(handle.get(), CURLUPART_URL, relative.c_str(), 0) != CURLUE_OK)
    return {};
  auto result = part(handle.get(), CURLUPART_URL);
  return parts_of(result) ? result : std::string{};
}

std::string first_url(std::string_view text) {
  // Case-insensitive, without copying the text.
  auto starts_with = [text](size_t i, std::string_view prefix) {
    return text.size() - i >= prefix.size() &&
           strncasecmp(text.data() + i, prefix.data(), prefix.size()) == 0;
  };
  size_t at = std::string_view::npos;
  for (size_t i = 0; i + 7 <= text.size(); ++i)
    if (starts_with(i, "http://") || starts_with(i, "https://")) {
      at = i;
      break;
    }
  if (at == std::string_view::npos)
    return {};
  auto end = at;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
         std::strchr("<>\"'`", text[end]) == nullptr)
    ++end;
  auto url = text.substr(at, end - at);
  while (!url.empty() && std::strchr(".,;:!?)]}", url.back()) != nullptr)
    url.remove_suffix(1);
  if (url.size() > 2048 || url.size() <= 8)
    return {};
  return std::string{url};
}

} // namespace chat
