#define CAF_SUITE node_config

#include "apps/node_config.hpp"

#include <fstream>

#include <caf/test/unit_test.hpp>

using namespace chat;

namespace {

/// The repository's config/chatd.ini (CTest runs the suite with the source folder in
/// CHAT_SOURCE_DIR).
std::string chatd_ini() {
  auto* dir = std::getenv("CHAT_SOURCE_DIR");
  return std::string{dir != nullptr ? dir : "."} + "/config/chatd.ini";
}

} // namespace

CAF_TEST(config / chatd.ini documents every option without contradicting a default) {
  node_config defaults{"chatd"};
  node_config documented{"chatd"};
  auto file = "--config-file=" + chatd_ini();
  char program[] = "chatd";
  std::vector<char*> argv{program, file.data()};
  auto problem = documented.read(static_cast<int>(argv.size()), argv.data());
  CAF_REQUIRE_EQUAL(problem, "");
  auto expected = defaults.option_values();
  auto actual = documented.option_values();
  CAF_CHECK_EQUAL(actual.size(), expected.size());
  for (auto& [name, value] : expected)
    CAF_CHECK_EQUAL(name + "=" + actual[name], name + "=" + value);
  // Every option appears in the file (documented), not only in the help text.
  std::ifstream in{chatd_ini()};
  std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  for (auto& [name, value] : expected) {
    auto key = name.substr(name.find('.') + 1);
    auto documented_in_file = text.find("\n" + key + "=") != std::string::npos;
    CAF_CHECK_EQUAL(name + (documented_in_file ? " documented" : " missing"), name + " documented");
  }
}

CAF_TEST(a value out of range stops the node with one line) {
  node_config cfg{"chatd"};
  auto file = "--config-file=" + chatd_ini();
  std::string bad = "--db.commit-pool-size=0";
  char program[] = "chatd";
  std::vector<char*> argv{program, file.data(), bad.data()};
  CAF_CHECK_EQUAL(cfg.read(static_cast<int>(argv.size()), argv.data()),
                  "db.*-pool-size must be between 1 and 64");
}
