// What the invariant checks of `chatctl verify` share: recording results and examples, and the
// event versions seen on the topic.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "apps/invariants.hpp"

namespace chat {

class checker {
public:
  static constexpr size_t max_examples = 5;

  explicit checker(verify_report& report) : report_(report) {}

  invariant_result& add(std::string name, std::string description) {
    report_.results.push_back(invariant_result{std::move(name), std::move(description), 0, {}});
    return report_.results.back();
  }

  static void violation(invariant_result& result, std::string example) {
    ++result.count;
    if (result.examples.size() < max_examples)
      result.examples.push_back(std::move(example));
  }

  void figure(std::string name, int64_t value) {
    report_.figures.emplace_back(std::move(name), value);
  }

private:
  verify_report& report_;
};

/// The (room, version) of every event on the topic, with their event ids.
struct published_versions {
  std::map<std::pair<int64_t, int64_t>, std::set<std::string>> events;

  void add(int64_t room_id, int64_t version, std::string event_id) {
    events[{room_id, version}].insert(std::move(event_id));
  }
};

/// The invariants of message changes (edits, deletes, reactions, pins): a deleted message has
/// no content anywhere, the messages store shows each change the rooms store decided, and
/// every change has its event (on the topic when `published` is given, or still queued).
void verify_message_changes(const verify_options& options, checker& check,
                            const published_versions* published);

} // namespace chat
