#include "actors/background/html_preview.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

#include <gumbo.h>

namespace chat {

namespace {

using output_ptr = std::unique_ptr<GumboOutput, void (*)(GumboOutput*)>;

output_ptr parse(std::string_view html) {
  static auto destroy = [](GumboOutput* output) {
    gumbo_destroy_output(&kGumboDefaultOptions, output);
  };
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0; // the errors are of no interest: stop collecting them
  return output_ptr{gumbo_parse_with_options(&options, html.data(), html.size()), destroy};
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

/// Whitespace collapsed and trimmed, cut to `max` bytes without splitting a UTF-8 character.
std::string clean(std::string_view text, size_t max) {
  std::string result;
  bool space = false;
  for (unsigned char c : text) {
    if (std::isspace(c)) {
      space = !result.empty();
      continue;
    }
    if (space)
      result += ' ';
    space = false;
    result += static_cast<char>(c);
  }
  if (result.size() > max) {
    auto cut = max;
    while (cut > 0 && (static_cast<unsigned char>(result[cut]) & 0xC0) == 0x80)
      --cut; // a continuation byte: back to the start of its character
    result.resize(cut);
  }
  return result;
}

const char* attribute(const GumboElement& element, const char* name) {
  auto* attr = gumbo_get_attribute(&element.attributes, name);
  return attr != nullptr ? attr->value : nullptr;
}

/// The text of a node's children (a <title>'s text).
std::string text_of(const GumboNode* node) {
  std::string result;
  auto& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE)
      result += child->v.text.text;
  }
  return result;
}

struct found {
  std::string og_title, og_description, og_image, og_site_name;
  std::string title, description, charset;
  bool has_title = false;
};

void visit(const GumboNode* root, found& out) {
  // Iterative: a deeply nested document must not exhaust the stack.
  std::vector<const GumboNode*> pending{root};
  while (!pending.empty()) {
    auto* node = pending.back();
    pending.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT)
      continue;
    auto& element = node->v.element;
    if (element.tag == GUMBO_TAG_TITLE && !out.has_title) {
      out.title = text_of(node);
      out.has_title = true;
    } else if (element.tag == GUMBO_TAG_META) {
      auto* content = attribute(element, "content");
      if (auto* charset = attribute(element, "charset"); charset != nullptr && out.charset.empty())
        out.charset = charset;
      if (auto* equiv = attribute(element, "http-equiv"); equiv != nullptr && content != nullptr &&
                                                          lower(equiv) == "content-type" &&
                                                          out.charset.empty()) {
        auto type = lower(content);
        if (auto at = type.find("charset="); at != std::string::npos)
          out.charset = type.substr(at + 8);
      }
      if (content != nullptr) {
        auto* property = attribute(element, "property");
        auto key = lower(property != nullptr ? property : "");
        auto* name = attribute(element, "name");
        auto name_key = lower(name != nullptr ? name : "");
        auto set = [&content](std::string& slot) {
          if (slot.empty())
            slot = content;
        };
        if (key == "og:title")
          set(out.og_title);
        else if (key == "og:description")
          set(out.og_description);
        else if (key == "og:image" || key == "og:image:url")
          set(out.og_image);
        else if (key == "og:site_name")
          set(out.og_site_name);
        else if (name_key == "description")
          set(out.description);
      }
    }
    auto& children = element.children;
    for (unsigned i = children.length; i > 0; --i)
      pending.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
  }
}

found read(std::string_view html) {
  found result;
  auto output = parse(html);
  if (output && output->root != nullptr)
    visit(output->root, result);
  return result;
}

} // namespace

page_preview extract_preview(std::string_view html) {
  auto page = read(html);
  page_preview result;
  result.title = clean(!page.og_title.empty() ? page.og_title : page.title, 300);
  result.description =
    clean(!page.og_description.empty() ? page.og_description : page.description, 1000);
  result.image_url = clean(page.og_image, 2048);
  result.site_name = clean(page.og_site_name, 300);
  return result;
}

std::string declared_charset(std::string_view html) {
  auto charset = clean(lower(read(html).charset), 40);
  // "utf-8;" or quoted values in http-equiv content
  auto end = charset.find_first_of(" ;\"'");
  return end == std::string::npos ? charset : charset.substr(0, end);
}

} // namespace chat
