#define CAF_SUITE decimal

#include "protocol/codec/decimal.hpp"

#include <caf/test/unit_test.hpp>

using namespace chat;

CAF_TEST(digits are numbers) {
  CAF_CHECK_EQUAL(parse_decimal("0"), std::optional<int64_t>{0});
  CAF_CHECK_EQUAL(parse_decimal("007"), std::optional<int64_t>{7});
  CAF_CHECK_EQUAL(parse_decimal("9223372036854775807"), std::optional<int64_t>{INT64_MAX});
}

CAF_TEST(signs spaces and trailing text are not ) {
  for (auto bad : {"", "-0", "-1", "+1", " 1", "1 ", "1a", "0x10", "1.5", "1e3"}) {
    CAF_MESSAGE("input: '" << bad << "'");
    bool too_large = true;
    CAF_CHECK_EQUAL(parse_decimal(bad, &too_large), std::nullopt);
    CAF_CHECK(!too_large);
  }
}

CAF_TEST(digits that do not fit are told apart) {
  bool too_large = false;
  CAF_CHECK_EQUAL(parse_decimal("9223372036854775808", &too_large), std::nullopt);
  CAF_CHECK(too_large);
  CAF_CHECK_EQUAL(parse_decimal("99999999999999999999999x", &too_large), std::nullopt);
  CAF_CHECK(!too_large);
}
