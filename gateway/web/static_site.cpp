#include "gateway/web/static_site.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include <spdlog/spdlog.h>

#include "gateway/http/http_types.hpp"

namespace chat {

namespace {

/// Bundled assets carry a content hash in their name (app-3F2K9QZ1.js): they never change, so
/// browsers may keep them for a year. Everything else is revalidated on every use.
bool is_hashed(const std::string& name) {
  static const std::regex hashed{
    R"(.*-[A-Za-z0-9]{8,}\.(js|css|js\.map|css\.map|woff2?|png|svg)$)"};
  return std::regex_match(name, hashed);
}

} // namespace

const char* content_type_of(const std::string& name) {
  auto dot = name.rfind('.');
  auto extension = dot == std::string::npos ? std::string{} : name.substr(dot + 1);
  if (extension == "html")
    return "text/html; charset=utf-8";
  if (extension == "js" || extension == "mjs")
    return "text/javascript; charset=utf-8";
  if (extension == "css")
    return "text/css; charset=utf-8";
  if (extension == "json" || extension == "map")
    return "application/json";
  if (extension == "svg")
    return "image/svg+xml";
  if (extension == "png")
    return "image/png";
  if (extension == "ico")
    return "image/x-icon";
  if (extension == "woff2")
    return "font/woff2";
  if (extension == "txt")
    return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

static_site::static_site(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    spdlog::warn("web: no web client at {} (build it with scripts/build)", folder);
    return;
  }
  for (auto it = fs::recursive_directory_iterator{folder, ec}; !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec))
      continue;
    auto relative = fs::relative(it->path(), folder, ec).generic_string();
    std::ifstream in{it->path(), std::ios::binary};
    http_response file;
    file.content_type = content_type_of(relative);
    file.body.assign(std::istreambuf_iterator<char>{in}, {});
    file.headers.emplace_back(
      "Cache-Control", is_hashed(relative) ? "public, max-age=31536000, immutable" : "no-cache");
    files_.emplace("/" + relative, std::move(file));
  }
  spdlog::info("web: {} files from {}", files_.size(), folder);
}

const http_response* static_site::find(const std::string& path) const {
  auto key = path.empty() || path.back() == '/' ? path + "index.html" : path;
  auto it = files_.find(key);
  return it == files_.end() ? nullptr : &it->second;
}

bool static_site::is_folder(const std::string& path) const {
  return !path.empty() && path.back() != '/' && files_.count(path + "/index.html") > 0;
}

} // namespace chat
