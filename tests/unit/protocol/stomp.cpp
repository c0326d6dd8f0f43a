#define CAF_SUITE stomp

#include "protocol/codec/stomp.hpp"

#include <caf/test/unit_test.hpp>

using namespace chat;

namespace {

/// A string literal with its embedded NULs (frames end with one).
template <size_t N> std::string_view raw(const char (&text)[N]) {
  return std::string_view{text, N - 1};
}

std::optional<stomp_frame> parse_one(std::string_view text, stomp_limits limits = {}) {
  stomp_parser parser{limits};
  parser.feed(text);
  return parser.next();
}

std::string parse_error(std::string_view text, stomp_limits limits = {}) {
  stomp_parser parser{limits};
  parser.feed(text);
  auto frame = parser.next();
  CAF_CHECK(!frame);
  CAF_CHECK(parser.failed());
  return parser.error();
}

} // namespace

CAF_TEST(a frame with headers and a content - length body) {
  auto frame = parse_one(raw("SEND\ndestination:/app/chat\ncontent-length:11\n\nhello\0world\0"));
  CAF_REQUIRE(frame);
  CAF_CHECK_EQUAL(frame->command, "SEND");
  CAF_REQUIRE(frame->header("destination"));
  CAF_CHECK_EQUAL(*frame->header("destination"), "/app/chat");
  // With content-length the body may contain NUL octets.
  CAF_CHECK_EQUAL(frame->body, std::string("hello\0world", 11));
}

CAF_TEST(a body without content - length ends at the first NUL) {
  auto frame = parse_one(raw("SEND\ndestination:/x\n\n{\"a\":1}\0"));
  CAF_REQUIRE(frame);
  CAF_CHECK_EQUAL(frame->body, "{\"a\":1}");
}

CAF_TEST(frames arrive in pieces and several at once with heart - beats between) {
  stomp_parser parser;
  std::string stream = "\n\nSUBSCRIBE\r\nid:1\r\ndestination:/topic/messages/7\r\n\r\n";
  stream.push_back('\0');
  stream += "\nSEND\ndestination:/app/chat\n\nbody";
  stream.push_back('\0');
  stream += "\n";
  std::vector<stomp_frame> frames;
  for (auto c : stream) {
    parser.feed(std::string_view{&c, 1});
    while (auto frame = parser.next())
      frames.push_back(*frame);
  }
  CAF_CHECK(!parser.failed());
  CAF_REQUIRE_EQUAL(frames.size(), 2u);
  CAF_CHECK_EQUAL(frames[0].command, "SUBSCRIBE");
  CAF_CHECK_EQUAL(*frames[0].header("destination"), "/topic/messages/7");
  CAF_CHECK_EQUAL(frames[1].body, "body");
  CAF_CHECK_EQUAL(parser.take_heartbeats(), 4u);
}

CAF_TEST(header values are unescaped except in CONNECT) {
  auto frame = parse_one(raw("SEND\na\\cb:c\\nd\\\\e\\rf\n\n\0"));
  CAF_REQUIRE(frame);
  CAF_CHECK_EQUAL(frame->headers.front().first, "a:b");
  CAF_CHECK_EQUAL(frame->headers.front().second, "c\nd\\e\rf");
  auto connect = parse_one(raw("CONNECT\npasscode:a\\cb\n\n\0"));
  CAF_REQUIRE(connect);
  CAF_CHECK_EQUAL(*connect->header("passcode"), "a\\cb");
}

CAF_TEST(the first of repeated headers counts) {
  auto frame = parse_one(raw("SEND\ndestination:/first\ndestination:/second\n\n\0"));
  CAF_REQUIRE(frame);
  CAF_CHECK_EQUAL(*frame->header("destination"), "/first");
}

CAF_TEST(malformed frames are errors) {
  CAF_CHECK_EQUAL(parse_error(std::string("send\n\n\0", 7)), "malformed command line");
  CAF_CHECK_EQUAL(parse_error(std::string("SEND\nno colon\n\n\0", 17)), "malformed header line");
  CAF_CHECK_EQUAL(parse_error(std::string("SEND\n:empty name\n\n\0", 19)), "malformed header line");
  CAF_CHECK_EQUAL(parse_error(std::string("SEND\na:b\\tc\n\n\0", 14)),
                  "invalid escape sequence in a header");
  CAF_CHECK_EQUAL(parse_error(std::string("SEND\ncontent-length:x\n\n\0", 25)),
                  "invalid content-length");
  CAF_CHECK_EQUAL(parse_error(std::string("SEND\ncontent-length:-0\n\n\0", 26)),
                  "invalid content-length");
  CAF_CHECK_EQUAL(parse_error(std::string("SEND\ncontent-length:1 \n\n\0", 26)),
                  "invalid content-length");
  CAF_CHECK_EQUAL(parse_error(std::string("SEND\ncontent-length:2\n\nabc\0", 27)),
                  "content-length does not match the body");
  CAF_CHECK_EQUAL(parse_error(std::string("SUBSCRIBE\nid:1\n\nbody\0", 21)),
                  "SUBSCRIBE frames must not have a body");
}

CAF_TEST(limits are enforced) {
  stomp_limits small{100, 2, 40};
  CAF_CHECK_EQUAL(parse_error("SEND\n\n" + std::string(200, 'x') + std::string(1, '\0'), small),
                  "frame too large");
  CAF_CHECK_EQUAL(parse_error(std::string("SEND\na:1\nb:2\nc:3\n\n\0", 20), small),
                  "too many headers");
  CAF_CHECK_EQUAL(
    parse_error("SEND\nlong:" + std::string(60, 'v') + "\n\n" + std::string(1, '\0'), small),
    "header line too long");
  CAF_CHECK_EQUAL(parse_error("SEND\ncontent-length:1000\n\n", small), "frame too large");
  CAF_CHECK_EQUAL(parse_error("SEND\ncontent-length:99999999999999999999999\n\n", small),
                  "frame too large");
  // An incomplete frame below the limits is just incomplete.
  stomp_parser parser{small};
  parser.feed("SEND\ndestination:/x\n\nabc");
  CAF_CHECK(!parser.next());
  CAF_CHECK(!parser.failed());
}

CAF_TEST(encoded frames parse back to the same frame) {
  std::vector<std::pair<std::string, std::string>> headers{{"destination", "/topic/a:b"},
                                                           {"x", "line\nbreak\\"}};
  auto text = encode_frame("MESSAGE", headers, "{\"ok\":true}");
  auto frame = parse_one(text);
  CAF_REQUIRE(frame);
  CAF_CHECK_EQUAL(frame->command, "MESSAGE");
  CAF_CHECK_EQUAL(*frame->header("destination"), "/topic/a:b");
  CAF_CHECK_EQUAL(*frame->header("x"), "line\nbreak\\");
  CAF_CHECK_EQUAL(*frame->header("content-length"), "11");
  CAF_CHECK_EQUAL(frame->body, "{\"ok\":true}");
  CAF_CHECK(is_client_command("SEND"));
  CAF_CHECK(!is_client_command("MESSAGE"));
}

CAF_TEST(heart - beat headers are two bounded non - negative integers) {
  using beat = std::optional<std::pair<int64_t, int64_t>>;
  CAF_CHECK_EQUAL(parse_heart_beat("0,0"), beat(std::make_pair(0, 0)));
  CAF_CHECK_EQUAL(parse_heart_beat("10000,250"), beat(std::make_pair(10000, 250)));
  // A giant interval is cut to a day: session deadlines are computed from it.
  CAF_CHECK_EQUAL(parse_heart_beat("9223372036854775807,99999999999999999999999"),
                  beat(std::make_pair(max_heart_beat_ms, max_heart_beat_ms)));
  for (auto bad :
       {"", ",", "1", "1,", ",1", "-1,0", "+1,0", "1,2,3", " 1,2", "1,2 ", "0x1,0", "1.5,0"})
    CAF_CHECK_EQUAL(parse_heart_beat(bad), beat{});
}
