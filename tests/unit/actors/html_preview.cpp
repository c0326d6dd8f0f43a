#define CAF_SUITE html_preview

#include "actors/background/html_preview.hpp"

#include <caf/test/unit_test.hpp>

using namespace chat;

CAF_TEST(open graph comes first) {
  auto preview = extract_preview(
    R"(<html><head><title>Plain</title><meta name="description" content="Plain text">
    <meta property="og:title" content="  The   OG
    title "><meta property="og:description" content="OG text">
    <meta property="og:image" content="/i.png"><meta property="og:site_name" content="Site">
    </head><body></body></html>)");
  CAF_CHECK_EQUAL(preview.title, "The OG title");
  CAF_CHECK_EQUAL(preview.description, "OG text");
  CAF_CHECK_EQUAL(preview.image_url, "/i.png");
  CAF_CHECK_EQUAL(preview.site_name, "Site");
}

CAF_TEST(title and meta description when open graph is missing) {
  auto preview = extract_preview(
    "<title>Only a title</title><META NAME=Description CONTENT='Described'><p>x</p>");
  CAF_CHECK_EQUAL(preview.title, "Only a title");
  CAF_CHECK_EQUAL(preview.description, "Described");
  CAF_CHECK(preview.image_url.empty());
  CAF_CHECK(!preview.empty());
}

CAF_TEST(a page without either says nothing) {
  CAF_CHECK(extract_preview("<html><body><h1>Hi</h1></body></html>").empty());
  CAF_CHECK(extract_preview("").empty());
  CAF_CHECK(extract_preview(std::string(1000, '<')).empty());
}

CAF_TEST(texts are cut on a character boundary) {
  std::string title;
  for (int i = 0; i < 200; ++i)
    title += "\xea\xb0\x80"; // a three-byte character, 600 bytes in all
  auto preview = extract_preview("<title>" + title + "</title>");
  CAF_CHECK_EQUAL(preview.title.size(), 300u);
  CAF_CHECK_EQUAL(preview.title, title.substr(0, 300));
  std::string odd = "a" + title;
  CAF_CHECK_EQUAL(extract_preview("<title>" + odd + "</title>").title.size(), 298u);
}

CAF_TEST(a deeply nested document does not exhaust the stack) {
  std::string html;
  for (int i = 0; i < 100000; ++i)
    html += "<div>";
  html += "<title>deep</title>";
  CAF_CHECK_EQUAL(extract_preview(html).title, "deep");
}

CAF_TEST(the declared charset) {
  CAF_CHECK_EQUAL(declared_charset("<meta charset='EUC-KR'><title>x</title>"), "euc-kr");
  CAF_CHECK_EQUAL(
    declared_charset(R"(<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">)"),
    "iso-8859-1");
  CAF_CHECK_EQUAL(declared_charset("<title>none</title>"), "");
}
