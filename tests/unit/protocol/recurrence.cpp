#define CAF_SUITE recurrence

#include "protocol/recurrence.hpp"

#include <caf/test/unit_test.hpp>

#include "protocol/clock.hpp"

using namespace chat;

namespace {

int64_t at(const char* text) {
  auto parsed = parse_iso8601(text);
  CAF_REQUIRE(parsed.has_value());
  return *parsed;
}

std::string nth(const char* anchor, const char* recurrence, int64_t n) {
  return iso8601(occurrence_at(at(anchor), recurrence, n));
}

} // namespace

CAF_TEST(the first occurrence is the anchor) {
  for (auto recurrence : {"", "DAILY", "WEEKLY", "MONTHLY"})
    CAF_CHECK_EQUAL(nth("2027-01-31T09:30:00.250Z", recurrence, 0), "2027-01-31T09:30:00.250Z");
}

CAF_TEST(a single occurrence has no second) {
  CAF_CHECK_EQUAL(occurrence_at(at("2027-01-31T09:30:00Z"), "", 1), 0);
}

CAF_TEST(daily and weekly add days in UTC) {
  CAF_CHECK_EQUAL(nth("2027-03-27T23:59:59.999Z", "DAILY", 1), "2027-03-28T23:59:59.999Z");
  CAF_CHECK_EQUAL(nth("2027-12-31T08:00:00.000Z", "DAILY", 1), "2028-01-01T08:00:00.000Z");
  CAF_CHECK_EQUAL(nth("2028-02-28T08:00:00.000Z", "DAILY", 1), "2028-02-29T08:00:00.000Z");
  CAF_CHECK_EQUAL(nth("2027-12-29T08:00:00.000Z", "WEEKLY", 1), "2028-01-05T08:00:00.000Z");
  CAF_CHECK_EQUAL(nth("2027-01-01T08:00:00.000Z", "WEEKLY", 52), "2027-12-31T08:00:00.000Z");
}

CAF_TEST(monthly keeps the day or takes the last day of a shorter month) {
  auto anchor = "2027-01-31T09:00:00.000Z";
  CAF_CHECK_EQUAL(nth(anchor, "MONTHLY", 1), "2027-02-28T09:00:00.000Z");
  CAF_CHECK_EQUAL(nth(anchor, "MONTHLY", 2), "2027-03-31T09:00:00.000Z");
  CAF_CHECK_EQUAL(nth(anchor, "MONTHLY", 3), "2027-04-30T09:00:00.000Z");
  CAF_CHECK_EQUAL(nth(anchor, "MONTHLY", 4), "2027-05-31T09:00:00.000Z");
  CAF_CHECK_EQUAL(nth(anchor, "MONTHLY", 11), "2027-12-31T09:00:00.000Z");
  CAF_CHECK_EQUAL(nth(anchor, "MONTHLY", 13), "2028-02-29T09:00:00.000Z"); // leap year
  CAF_CHECK_EQUAL(nth("2027-03-15T00:00:00.000Z", "MONTHLY", 10), "2028-01-15T00:00:00.000Z");
  CAF_CHECK_EQUAL(nth("2028-02-29T12:00:00.000Z", "MONTHLY", 12), "2029-02-28T12:00:00.000Z");
}

CAF_TEST(only the three recurrences are valid) {
  CAF_CHECK(valid_recurrence(""));
  CAF_CHECK(valid_recurrence("DAILY"));
  CAF_CHECK(valid_recurrence("WEEKLY"));
  CAF_CHECK(valid_recurrence("MONTHLY"));
  CAF_CHECK(!valid_recurrence("daily"));
  CAF_CHECK(!valid_recurrence("YEARLY"));
}
