// What a page says about itself, read with a real HTML parser (gumbo): Open Graph properties
// and, where they are missing, <title> and <meta name=description>. Plain functions, no CAF,
// no network: fuzzed on their own (tests/fuzz).
#pragma once

#include <string>
#include <string_view>

namespace chat {

struct page_preview {
  std::string title;
  std::string description;
  /// As the page wrote it (resolved against the page's address by the fetcher).
  std::string image_url;
  std::string site_name;

  /// No title and no description: nothing worth showing.
  bool empty() const { return title.empty() && description.empty(); }
};

/// Reads the preview of an HTML document (UTF-8; invalid bytes are replaced). Texts are
/// whitespace-collapsed, trimmed and cut to at most 300 (title, site name), 1000 (description)
/// and 2048 (image URL) bytes on a character boundary. Never throws on any input.
page_preview extract_preview(std::string_view html);

/// The charset the document declares in <meta charset> or <meta http-equiv="Content-Type">,
/// lowercased; "" when it declares none.
std::string declared_charset(std::string_view html);

} // namespace chat
