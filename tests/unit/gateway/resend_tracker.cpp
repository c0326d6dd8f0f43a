#define CAF_SUITE resend_tracker

#include "gateway/stomp/resend_tracker.hpp"

#include <caf/test/unit_test.hpp>

#include "protocol/errors.hpp"

using namespace chat;
using verdict = resend_tracker::verdict;

namespace {

struct fixture {
  resend_tracker tracker;

  static chat_message draft(const std::string& temp_id, int64_t room_id = 7) {
    chat_message msg;
    msg.room_id = room_id;
    msg.sender_id = 42;
    msg.temp_id = temp_id;
    msg.content = "hi";
    return msg;
  }

  static status_event status(const std::string& temp_id, delivery_status what, int64_t saga_seq,
                             chat_errc code = chat_errc::none) {
    status_event result;
    result.room_id = 7;
    result.temp_id = temp_id;
    result.status = what;
    result.saga_seq = saga_seq;
    result.seq = what == delivery_status::failed ? 0 : saga_seq;
    if (code != chat_errc::none)
      result.error_code = wire_code(code);
    return result;
  }

  /// An admission answered PROCESSING with the saga's seq.
  uint64_t processing(const std::string& temp_id, int64_t seq, resend_tracker::room_key room) {
    auto token = tracker.admitted(draft(temp_id), room);
    tracker.admission_answered(status(temp_id, delivery_status::processing, seq), token);
    return token;
  }

  verdict judge(const status_event& event) {
    chat_message ignored;
    return tracker.on_final_status(event, ignored);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(resend_tracker_tests, fixture)

CAF_TEST(a FAILED of a message that was never sent again is delivered) {
  processing("a", 1, 1);
  CAF_CHECK(judge(status("a", delivery_status::failed, 1, chat_errc::store_failed)) ==
            verdict::deliver);
  CAF_CHECK_EQUAL(tracker.in_flight(), 0u);
  // Even one the tracker never saw: its one saga answers.
  CAF_CHECK(judge(status("b", delivery_status::failed, 9, chat_errc::store_failed)) ==
            verdict::deliver);
}

CAF_TEST(a SAVED is delivered and ends the tracking) {
  processing("a", 1, 1);
  CAF_CHECK(judge(status("a", delivery_status::saved, 1)) == verdict::deliver);
  CAF_CHECK_EQUAL(tracker.in_flight(), 0u);
  CAF_CHECK(!tracker.watches(1));
}

CAF_TEST(the messages of a room actor that died are sent again) {
  processing("a", 1, 1);
  processing("b", 2, 1);
  processing("c", 3, 2);
  auto again = tracker.room_died(1);
  CAF_REQUIRE_EQUAL(again.size(), 2u);
  CAF_CHECK_EQUAL(again[0].temp_id, "a");
  CAF_CHECK_EQUAL(again[1].temp_id, "b");
  CAF_CHECK_EQUAL(tracker.in_flight(), 1u);
  CAF_CHECK(!tracker.watches(1));
  CAF_CHECK(tracker.watches(2));
}

CAF_TEST(the FAILED of a retired saga is dropped once the message was sent again) {
  processing("a", 1, 1);
  tracker.room_died(1);
  processing("a", 5, 2); // the new home's saga
  CAF_CHECK(judge(status("a", delivery_status::failed, 1, chat_errc::room_stopped)) ==
            verdict::drop);
  CAF_CHECK_EQUAL(tracker.in_flight(), 1u);
  CAF_CHECK(judge(status("a", delivery_status::saved, 5)) == verdict::deliver);
}

CAF_TEST(a FAILED while the newer admission has no seq yet is from an older saga) {
  processing("a", 1, 1);
  tracker.room_died(1);
  tracker.admitted(draft("a"), 2); // no answer yet
  CAF_CHECK(judge(status("a", delivery_status::failed, 0, chat_errc::unavailable)) ==
            verdict::drop);
}

CAF_TEST(a FAILED of the current saga that comes before its admission answer is held) {
  processing("a", 1, 1);
  tracker.room_died(1);
  auto token = tracker.admitted(draft("a"), 2);
  // The new home's saga (seq 5) was fenced before the room actor's PROCESSING came back.
  auto failed = status("a", delivery_status::failed, 5, chat_errc::fenced);
  CAF_CHECK(judge(failed) == verdict::hold);
  auto reply = status("a", delivery_status::processing, 5);
  tracker.admission_answered(reply, token);
  auto held = tracker.take_held(reply);
  CAF_REQUIRE(held.has_value());
  CAF_CHECK_EQUAL(held->saga_seq, 5);
  // Judged again with the seq known: the message moves on (it must not wait forever).
  chat_message again;
  CAF_CHECK(tracker.on_final_status(*held, again) == verdict::resend);
  CAF_CHECK_EQUAL(again.temp_id, "a");
  CAF_CHECK(!tracker.take_held(reply).has_value());
}

CAF_TEST(a held FAILED of an older saga is dropped when the admission answers) {
  processing("a", 1, 1);
  tracker.room_died(1);
  auto token = tracker.admitted(draft("a"), 2);
  CAF_CHECK(judge(status("a", delivery_status::failed, 3, chat_errc::store_failed)) ==
            verdict::hold);
  auto reply = status("a", delivery_status::processing, 5);
  tracker.admission_answered(reply, token);
  CAF_CHECK(!tracker.take_held(reply).has_value());
  CAF_CHECK_EQUAL(tracker.in_flight(), 1u);
  CAF_CHECK(judge(status("a", delivery_status::saved, 5)) == verdict::deliver);
}

CAF_TEST(a FAILED of a message sent again that was answered already is dropped) {
  processing("a", 1, 1);
  tracker.room_died(1);
  processing("a", 5, 2);
  CAF_CHECK(judge(status("a", delivery_status::saved, 5)) == verdict::deliver);
  CAF_CHECK(judge(status("a", delivery_status::failed, 0, chat_errc::unavailable)) ==
            verdict::drop);
}

CAF_TEST(a FAILED of another saga than the current one is dropped) {
  processing("a", 1, 1);
  tracker.room_died(1);
  processing("a", 5, 2);
  CAF_CHECK(judge(status("a", delivery_status::failed, 4, chat_errc::store_failed)) ==
            verdict::drop);
  CAF_CHECK(judge(status("a", delivery_status::failed, 5, chat_errc::store_failed)) ==
            verdict::deliver);
}

CAF_TEST(a room that lost its room to another owner gets the message again three times) {
  processing("a", 1, 1);
  for (int i = 0; i < resend_tracker::max_moves; ++i) {
    chat_message again;
    CAF_CHECK(
      tracker.on_final_status(status("a", delivery_status::failed, 1 + i, chat_errc::fenced),
                              again) == verdict::resend);
    CAF_CHECK_EQUAL(again.temp_id, "a");
    processing("a", 2 + i, 1);
  }
  // The fourth move is reported.
  CAF_CHECK(judge(status("a", delivery_status::failed, 4, chat_errc::fenced)) == verdict::deliver);
  CAF_CHECK_EQUAL(tracker.in_flight(), 0u);
}

CAF_TEST(a stopped room is treated like a moved one) {
  processing("a", 1, 1);
  chat_message again;
  CAF_CHECK(
    tracker.on_final_status(status("a", delivery_status::failed, 1, chat_errc::room_stopped),
                            again) == verdict::resend);
}

CAF_TEST(replies to an older admission change nothing) {
  auto old_token = tracker.admitted(draft("a"), 1);
  tracker.room_died(1);
  auto token = tracker.admitted(draft("a"), 2);
  CAF_CHECK(!tracker.is_current(7, "a", old_token));
  CAF_CHECK(tracker.is_current(7, "a", token));
  tracker.admission_answered(status("a", delivery_status::saved, 1), old_token);
  CAF_CHECK_EQUAL(tracker.in_flight(), 1u);
  CAF_CHECK(!tracker.admission_failed(7, "a", old_token));
  CAF_CHECK_EQUAL(tracker.in_flight(), 1u);
  CAF_CHECK(tracker.admission_failed(7, "a", token));
  CAF_CHECK_EQUAL(tracker.in_flight(), 0u);
}

CAF_TEST(a final admission reply ends the tracking) {
  auto token = tracker.admitted(draft("a"), 1);
  tracker.admission_answered(status("a", delivery_status::saved, 3), token);
  CAF_CHECK_EQUAL(tracker.in_flight(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
