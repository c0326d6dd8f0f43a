#define CAF_SUITE http_transport

#include "gateway/sockjs/http_transport.hpp"

#include <caf/test/unit_test.hpp>

using namespace chat;
using namespace chat::sockjs;
using namespace std::chrono_literals;

namespace {

/// A response_stream that keeps what it was given.
class recorded_stream : public response_stream {
public:
  bool write(std::string chunk) override {
    if (finished)
      return false;
    chunks.push_back(std::move(chunk));
    return true;
  }

  void finish() override { finished = true; }

  void on_gone(std::function<void()> fn) override { gone = std::move(fn); }

  std::vector<std::string> chunks;
  bool finished = false;
  std::function<void()> gone;
};

/// The answers of polls.
struct polls {
  std::vector<std::string> answers;

  http_responder responder() {
    return [this](http_response response) { answers.push_back(response.body); };
  }
};

std::string frame_of(const std::string& text) {
  return text + '\0';
}

struct fixture {
  using clock = http_transport::clock;

  fixture() {
    settings.heartbeat = 25s;
    settings.disconnect_delay = 5s;
    settings.stream_bytes = 4096;
    session = std::make_shared<http_transport>("127.0.0.1", settings, 4, start);
  }

  sockjs_settings settings;
  clock::time_point start = clock::now();
  std::shared_ptr<http_transport> session;
  polls client;
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(http_transport_tests, fixture)

CAF_TEST(the first poll opens the session and the next waits for a frame) {
  session->poll(client.responder(), start);
  CAF_REQUIRE_EQUAL(client.answers.size(), 1u);
  CAF_CHECK_EQUAL(client.answers[0], "o\n");
  session->poll(client.responder(), start);
  CAF_CHECK_EQUAL(client.answers.size(), 1u);
  CAF_CHECK(session->send_encoded(frame_of("MESSAGE\n\nhello")));
  CAF_REQUIRE_EQUAL(client.answers.size(), 2u);
  CAF_CHECK_EQUAL(client.answers[1], "a[\"MESSAGE\\n\\nhello\\u0000\"]\n");
}

CAF_TEST(frames wait between polls and go out together) {
  session->poll(client.responder(), start);
  session->send_encoded(frame_of("one"));
  session->send_heartbeat();
  CAF_CHECK_EQUAL(session->queued(), 2u);
  session->poll(client.responder(), start);
  CAF_REQUIRE_EQUAL(client.answers.size(), 2u);
  CAF_CHECK_EQUAL(client.answers[1], "a[\"one\\u0000\",\"\\n\"]\n");
  CAF_CHECK_EQUAL(session->queued(), 0u);
}

CAF_TEST(a full queue refuses frames) {
  session->poll(client.responder(), start);
  for (int i = 0; i < 4; ++i)
    CAF_CHECK(session->send_encoded(frame_of("x")));
  CAF_CHECK(!session->send_encoded(frame_of("x")));
}

CAF_TEST(a second receiver while one waits is told another connection is open) {
  session->poll(client.responder(), start);
  session->poll(client.responder(), start);
  polls other;
  session->poll(other.responder(), start);
  CAF_REQUIRE_EQUAL(other.answers.size(), 1u);
  CAF_CHECK_EQUAL(other.answers[0], "c[2010,\"Another connection still open\"]\n");
  auto stream = std::make_shared<recorded_stream>();
  session->stream(stream, stream_style::lines, start);
  CAF_CHECK(stream->finished);
  CAF_CHECK_EQUAL(stream->chunks.back(), "c[2010,\"Another connection still open\"]\n");
}

CAF_TEST(a waiting poll gets a heartbeat and an idle session expires) {
  session->poll(client.responder(), start);
  session->poll(client.responder(), start);
  CAF_CHECK(session->sweep(start + 24s));
  CAF_CHECK_EQUAL(client.answers.size(), 1u);
  CAF_CHECK(session->sweep(start + 25s));
  CAF_REQUIRE_EQUAL(client.answers.size(), 2u);
  CAF_CHECK_EQUAL(client.answers[1], "h\n");
  CAF_CHECK(session->sweep(start + 29s));
  CAF_CHECK(!session->sweep(start + 30s));
  polls late;
  session->poll(late.responder(), start + 31s);
  CAF_CHECK_EQUAL(late.answers.at(0), "c[3000,\"Go away!\"]\n");
}

CAF_TEST(a session is kept while a poll waits however long) {
  session->poll(client.responder(), start);
  session->poll(client.responder(), start);
  CAF_CHECK(session->sweep(start + 20s));
  session->poll(client.responder(), start + 25s); // after the heartbeat answer
  CAF_CHECK(session->sweep(start + 26s));
}

CAF_TEST(closing sends the last frame then go away and later polls get go away) {
  session->poll(client.responder(), start);
  session->close_after(frame_of("ERROR\nmessage:bad token\n\n"));
  CAF_CHECK(session->send_encoded(frame_of("dropped")));
  session->poll(client.responder(), start);
  CAF_REQUIRE_EQUAL(client.answers.size(), 2u);
  CAF_CHECK_EQUAL(client.answers[1],
                  "a[\"ERROR\\nmessage:bad token\\n\\n\\u0000\"]\nc[3000,\"Go away!\"]\n");
  session->poll(client.responder(), start);
  CAF_CHECK_EQUAL(client.answers.at(2), "c[3000,\"Go away!\"]\n");
}

CAF_TEST(a stream gets the prelude the open frame and every frame) {
  auto stream = std::make_shared<recorded_stream>();
  session->stream(stream, stream_style::lines, start);
  CAF_REQUIRE_EQUAL(stream->chunks.size(), 2u);
  CAF_CHECK_EQUAL(stream->chunks[0], std::string(2048, 'h') + "\n");
  CAF_CHECK_EQUAL(stream->chunks[1], "o\n");
  session->send_encoded(frame_of("one"));
  session->send_encoded(frame_of("two"));
  CAF_REQUIRE_EQUAL(stream->chunks.size(), 4u);
  CAF_CHECK_EQUAL(stream->chunks[2], "a[\"one\\u0000\"]\n");
  CAF_CHECK_EQUAL(stream->chunks[3], "a[\"two\\u0000\"]\n");
  CAF_CHECK(!stream->finished);
  // The frames were written a moment after `start`.
  CAF_CHECK(session->sweep(start + 26s));
  CAF_CHECK_EQUAL(stream->chunks.back(), "h\n");
}

CAF_TEST(an eventsource stream frames each message as an event) {
  auto stream = std::make_shared<recorded_stream>();
  session->stream(stream, stream_style::events, start);
  session->send_encoded(frame_of("one"));
  CAF_REQUIRE_EQUAL(stream->chunks.size(), 3u);
  CAF_CHECK_EQUAL(stream->chunks[0], "\r\n");
  CAF_CHECK_EQUAL(stream->chunks[1], "data: o\r\n\r\n");
  CAF_CHECK_EQUAL(stream->chunks[2], "data: a[\"one\\u0000\"]\r\n\r\n");
}

CAF_TEST(a stream ends after stream bytes and the next one goes on) {
  auto first = std::make_shared<recorded_stream>();
  session->stream(first, stream_style::lines, start);
  session->send_encoded(frame_of(std::string(4100, 'x')));
  CAF_CHECK(first->finished);
  session->send_encoded(frame_of("after"));
  CAF_CHECK_EQUAL(session->queued(), 1u);
  auto second = std::make_shared<recorded_stream>();
  session->stream(second, stream_style::lines, start);
  CAF_REQUIRE_EQUAL(second->chunks.size(), 2u);
  CAF_CHECK_EQUAL(second->chunks[1], "a[\"after\\u0000\"]\n");
}

CAF_TEST(a stream whose client went away lets the session expire) {
  auto stream = std::make_shared<recorded_stream>();
  session->stream(stream, stream_style::lines, start);
  CAF_REQUIRE(stream->gone);
  stream->gone();
  session->send_encoded(frame_of("kept"));
  CAF_CHECK_EQUAL(session->queued(), 1u);
  CAF_CHECK(!session->sweep(http_transport::clock::now() + 6s));
}

CAF_TEST(deliver fails once the session is over) {
  CAF_CHECK(session->deliver({"SEND\n\n"}));
  session->expire();
  CAF_CHECK(!session->deliver({"SEND\n\n"}));
}

CAF_TEST_FIXTURE_SCOPE_END()
