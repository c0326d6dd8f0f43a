#define CAF_SUITE sockjs_framing

#include "gateway/sockjs/sockjs_framing.hpp"

#include <caf/test/unit_test.hpp>

using namespace chat::sockjs;

CAF_TEST(messages are one a frame with everything outside ASCII escaped) {
  std::string frame{"MESSAGE\ndestination:/topic/x\n\n\xed\x95\x9c\xea\xb8\x80 \"hi\"\n"};
  frame += '\0';
  CAF_CHECK_EQUAL(encode_messages({frame, "\n"}),
                  R"(a["MESSAGE\ndestination:/topic/x\n\n\ud55c\uae00 \"hi\"\n\u0000","\n"])");
  CAF_CHECK_EQUAL(encode_messages({}), "a[]");
}

CAF_TEST(bytes that are not UTF - 8 become replacement characters) {
  CAF_CHECK_EQUAL(encode_messages({"a\xff"}), R"(a["a\ufffd"])");
}

CAF_TEST(close frames carry a code and a reason) {
  CAF_CHECK_EQUAL(go_away_frame(), R"(c[3000,"Go away!"])");
  CAF_CHECK_EQUAL(encode_close(2010, "Another connection still open"),
                  R"(c[2010,"Another connection still open"])");
}

CAF_TEST(client frames are arrays of strings or one string) {
  auto messages = decode_messages(R"(["CONNECT\n\n\u0000","\n"])");
  CAF_REQUIRE(messages);
  CAF_REQUIRE_EQUAL(messages->size(), 2u);
  CAF_CHECK_EQUAL((*messages)[0], std::string("CONNECT\n\n\0", 10));
  CAF_CHECK_EQUAL((*messages)[1], "\n");
  auto single = decode_messages(R"("SEND")");
  CAF_REQUIRE(single);
  CAF_CHECK_EQUAL(single->front(), "SEND");
  CAF_CHECK(!decode_messages("[1,2]"));
  CAF_CHECK(!decode_messages(R"({"a":"b"})"));
  CAF_CHECK(!decode_messages("[\"unterminated"));
  CAF_CHECK(!decode_messages(""));
}

CAF_TEST(transport paths have three parts without dots) {
  auto where = parse_transport_path("/123/abcd1234/xhr_streaming");
  CAF_REQUIRE(where);
  CAF_CHECK_EQUAL(where->server, "123");
  CAF_CHECK_EQUAL(where->session, "abcd1234");
  CAF_CHECK_EQUAL(where->transport, "xhr_streaming");
  CAF_CHECK(!parse_transport_path("/123/abcd/xhr/more"));
  CAF_CHECK(!parse_transport_path("/123/xhr"));
  CAF_CHECK(!parse_transport_path("/1.2/abcd/xhr"));
  CAF_CHECK(!parse_transport_path("/123//xhr"));
  CAF_CHECK(!parse_transport_path("123/abcd/xhr"));
  CAF_CHECK(!parse_transport_path("/123/" + std::string(65, 'a') + "/xhr"));
}
