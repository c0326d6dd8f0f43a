#define CAF_SUITE page_fetch

#include "actors/background/page_fetch.hpp"

#include <caf/test/unit_test.hpp>

using namespace chat;

namespace {

bool public_address(const std::string& address) {
  return address_allowed(address, false, {});
}

} // namespace

CAF_TEST(private and special IPv4 addresses are refused) {
  for (auto address : {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                       "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1", "224.0.0.1",
                       "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.2.1"})
    CAF_CHECK_EQUAL(std::string{address} + (public_address(address) ? " allowed" : " refused"),
                    std::string{address} + " refused");
  for (auto address : {"1.1.1.1", "8.8.8.8", "172.32.0.1", "172.15.255.255", "93.184.216.34"})
    CAF_CHECK_EQUAL(std::string{address} + (public_address(address) ? " allowed" : " refused"),
                    std::string{address} + " allowed");
}

CAF_TEST(private and special IPv6 addresses are refused and IPv4 inside IPv6 too) {
  for (auto address :
       {"::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1",
        "::ffff:10.0.0.1", "64:ff9b::a00:1", "::127.0.0.1", "2001:db8::1"})
    CAF_CHECK_EQUAL(std::string{address} + (public_address(address) ? " allowed" : " refused"),
                    std::string{address} + " refused");
  for (auto address : {"2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"})
    CAF_CHECK_EQUAL(std::string{address} + (public_address(address) ? " allowed" : " refused"),
                    std::string{address} + " allowed");
}

CAF_TEST(allow private lets them through but never a denied range) {
  auto denied = std::vector<address_range>{*parse_address_range("127.0.0.2/32"),
                                           *parse_address_range("fd00::/8")};
  CAF_CHECK(address_allowed("127.0.0.1", true, denied));
  CAF_CHECK(!address_allowed("127.0.0.2", true, denied));
  CAF_CHECK(!address_allowed("::ffff:127.0.0.2", true, denied));
  CAF_CHECK(!address_allowed("fd00::5", true, denied));
  CAF_CHECK(!address_allowed("8.8.8.8", false, {*parse_address_range("8.8.0.0/16")}));
  CAF_CHECK(!address_allowed("not an address", true, {}));
}

CAF_TEST(address ranges parse strictly) {
  CAF_CHECK(parse_address_range("10.0.0.0/8"));
  CAF_CHECK(parse_address_range("fd00::/8"));
  CAF_CHECK(parse_address_range("1.2.3.4"));
  CAF_CHECK(!parse_address_range("10.0.0.0/33"));
  CAF_CHECK(!parse_address_range("fd00::/129"));
  CAF_CHECK(!parse_address_range("10.0.0.0/"));
  CAF_CHECK(!parse_address_range("10.0.0/8"));
  CAF_CHECK(!parse_address_range("example.com"));
}

CAF_TEST(the first URL of a text) {
  CAF_CHECK_EQUAL(first_url("see https://example.com/a?b=1, then"), "https://example.com/a?b=1");
  CAF_CHECK_EQUAL(first_url("(HTTP://Example.com/x)."), "HTTP://Example.com/x");
  CAF_CHECK_EQUAL(first_url("<http://a.example/>"), "http://a.example/");
  CAF_CHECK_EQUAL(first_url("ftp://x.example and http://y.example"), "http://y.example");
  CAF_CHECK_EQUAL(first_url("no link here"), "");
  CAF_CHECK_EQUAL(first_url("http://"), "");
  CAF_CHECK_EQUAL(first_url("http://" + std::string(3000, 'a')), "");
}

CAF_TEST(relative addresses resolve against the page) {
  CAF_CHECK_EQUAL(resolve_url("http://a.example/x/y.html", "/img.png"), "http://a.example/img.png");
  CAF_CHECK_EQUAL(resolve_url("http://a.example/x/y.html", "z.png"), "http://a.example/x/z.png");
  CAF_CHECK_EQUAL(resolve_url("http://a.example/", "https://cdn.example/i.png"),
                  "https://cdn.example/i.png");
  CAF_CHECK_EQUAL(resolve_url("http://a.example/", "javascript:alert(1)"), "");
}

CAF_TEST(a URL that is not http or https is refused before any connection) {
  auto page = fetch_page("file:///etc/passwd", fetch_limits{});
  CAF_CHECK(!page.ok);
  CAF_CHECK(page.refused);
  auto local = fetch_page("http://127.0.0.1:1/", fetch_limits{});
  CAF_CHECK(!local.ok);
  CAF_CHECK(local.refused);
}
