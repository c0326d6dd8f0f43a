#define CAF_SUITE json_fields

#include "gateway/json_fields.hpp"

#include <caf/test/unit_test.hpp>
#include <nlohmann/json.hpp>

using namespace chat;

CAF_TEST(ids and seqs in text are decimal digits only) {
  CAF_CHECK_EQUAL(parse_id("7"), std::optional<int64_t>{7});
  CAF_CHECK_EQUAL(parse_seq("0"), std::optional<int64_t>{0});
  CAF_CHECK_EQUAL(parse_seq("9223372036854775807"), std::optional<int64_t>{INT64_MAX});
  for (auto bad : {"", "0", "-1", "-0", "+1", "07x", " 7", "7 ", "1e3", "9223372036854775808"})
    CAF_CHECK_EQUAL(parse_id(bad), std::optional<int64_t>{});
  // Found by fuzz/request_fields: "-0" was taken for seq 0.
  for (auto bad : {"", "-0", "-1", "+0", "0x0"})
    CAF_CHECK_EQUAL(parse_seq(bad), std::optional<int64_t>{});
}

CAF_TEST(body fields refuse the wrong type and the wrong size) {
  auto body = nlohmann::json::parse(
    R"({"id":3,"zero":0,"text":"abc","ids":[1,2],"bad_ids":[1,-2],"flag":true,"real":1.5})");
  CAF_CHECK_EQUAL(id_field(body, "id"), std::optional<int64_t>{3});
  CAF_CHECK_EQUAL(id_field(body, "zero"), std::optional<int64_t>{});
  CAF_CHECK_EQUAL(id_field(body, "real"), std::optional<int64_t>{});
  CAF_CHECK_EQUAL(seq_field(body, "zero"), std::optional<int64_t>{0});
  CAF_CHECK_EQUAL(text_field(body, "text", 3), std::optional<std::string>{"abc"});
  CAF_CHECK_EQUAL(text_field(body, "text", 2), std::optional<std::string>{});
  CAF_CHECK_EQUAL(text_field(body, "missing", 2), std::optional<std::string>{""});
  CAF_CHECK_EQUAL(text_field(body, "id", 9), std::optional<std::string>{});
  CAF_CHECK(id_list(body, "ids", 2).has_value());
  CAF_CHECK(!id_list(body, "ids", 1).has_value());
  CAF_CHECK(!id_list(body, "bad_ids", 9).has_value());
  CAF_CHECK_EQUAL(bool_field(body, "flag", false), std::optional<bool>{true});
  CAF_CHECK_EQUAL(bool_field(body, "text", false), std::optional<bool>{});
  CAF_CHECK(!parse_object("[1]"));
  CAF_CHECK(!parse_object("{\"a\":"));
}
