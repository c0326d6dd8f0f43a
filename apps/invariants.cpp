#include "apps/invariants.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "apps/invariant_checker.hpp"
#include "persistence/kafka/kafka_reader.hpp"

namespace chat {

using json = nlohmann::json;

namespace {

struct stored_message {
  std::string id;
  int64_t room_id = 0;
  int64_t seq = 0;
  int64_t sender_id = 0;
  std::string temp_id;
  /// 0 pending, 1 committed, 2 compensating.
  int state = 1;
  /// How long it has been pending (ms).
  int64_t pending_ms = 0;
};

struct room_commit_row {
  int64_t room_id = 0;
  int64_t seq = 0;
};

struct room_row {
  int64_t last_seq = 0;
  int64_t message_count = 0;
  std::string last_message_id;
};

struct event_row {
  std::string event_id;
  std::string type;
  std::string message_id;
};

std::string key_of(int64_t sender, const std::string& temp_id) {
  return std::to_string(sender) + "/" + temp_id;
}

} // namespace

bool verify_report::ok() const {
  for (auto& result : results)
    if (!result.ok())
      return false;
  return true;
}

std::string verify_report::text() const {
  std::ostringstream out;
  out << "chatctl verify: " << (ok() ? "all invariants hold" : "INVARIANTS VIOLATED") << '\n';
  for (auto& result : results) {
    out << "  " << (result.ok() ? "ok  " : "FAIL") << "  " << result.name << " = " << result.count
        << "  (" << result.description << ")\n";
    for (auto& example : result.examples)
      out << "          e.g. " << example << '\n';
  }
  out << "figures:";
  for (auto& [name, value] : figures)
    out << ' ' << name << '=' << value;
  out << '\n';
  return out.str();
}

std::string verify_report::json() const {
  nlohmann::json out{
    {"ok", ok()}, {"invariants", nlohmann::json::array()}, {"figures", nlohmann::json::object()}};
  for (auto& result : results)
    out["invariants"].push_back(nlohmann::json{{"name", result.name},
                                               {"description", result.description},
                                               {"count", result.count},
                                               {"examples", result.examples}});
  for (auto& [name, value] : figures)
    out["figures"][name] = value;
  return out.dump(2);
}

verify_report verify(const verify_options& options) {
  verify_report report;
  checker check{report};
  auto bound = static_cast<int64_t>(options.max_pending_age.count());

  // -- the messages store ---------------------------------------------------------------------
  std::unordered_map<std::string, stored_message> messages;
  std::unordered_map<std::string, std::string> by_key; // sender/tempId -> id
  auto& duplicates = check.add("duplicate-temp-ids", "messages sharing a (senderId, tempId)");
  auto& stale = check.add("stale-pending",
                          "unfinished messages older than the recovery bound (or without row)");
  {
    pqxx::connection conn{options.messages_dsn};
    pqxx::read_transaction txn{conn};
    for (const auto& row : txn.exec(
           "SELECT m.id::text, m.room_id, m.seq, m.sender_id, m.temp_id, coalesce(p.state, 1), "
           "coalesce((extract(epoch from now() - p.updated_at) * 1000)::bigint, 0) "
           "FROM messages m LEFT JOIN message_pending p ON p.id = m.id")) {
      stored_message msg{row[0].as<std::string>(), row[1].as<int64_t>(),     row[2].as<int64_t>(),
                         row[3].as<int64_t>(),     row[4].as<std::string>(), row[5].as<int>(),
                         row[6].as<int64_t>()};
      auto key = key_of(msg.sender_id, msg.temp_id);
      if (auto [i, added] = by_key.emplace(key, msg.id); !added)
        checker::violation(duplicates, key + ": " + i->second + " and " + msg.id);
      if (msg.state != 1 && msg.pending_ms > bound)
        checker::violation(stale, msg.id + " (room " + std::to_string(msg.room_id) + ", seq " +
                                    std::to_string(msg.seq) + ") pending for " +
                                    std::to_string(msg.pending_ms) + " ms");
      messages.emplace(msg.id, std::move(msg));
    }
    for (const auto& row : txn.exec("SELECT p.id::text FROM message_pending p "
                                    "LEFT JOIN messages m ON m.id = p.id WHERE m.id IS NULL"))
      checker::violation(stale, row[0].as<std::string>() + ": a pending mark without message");
  }

  // -- the rooms store ------------------------------------------------------------------------
  std::unordered_map<std::string, room_commit_row> commits;
  std::map<int64_t, room_row> rooms;
  std::unordered_map<std::string, int64_t> queued_sent; // MessageSent in the outbox: age ms
  std::set<std::string> queued_retractions;
  std::set<std::string> dead_sent;
  auto& saga_dead = check.add("saga-dead-letters", "sagas whose compensation is still to finish");
  auto& outbox_dead = check.add("outbox-dead-letters", "events given up after too many attempts");
  int64_t backlog = 0;
  {
    pqxx::connection conn{options.rooms_dsn};
    pqxx::read_transaction txn{conn};
    for (const auto& row : txn.exec("SELECT message_id::text, room_id, seq FROM room_messages"))
      commits.emplace(row[0].as<std::string>(),
                      room_commit_row{row[1].as<int64_t>(), row[2].as<int64_t>()});
    for (const auto& row : txn.exec("SELECT id, last_seq, message_count, "
                                    "coalesce(last_message->>'id', '') FROM rooms"))
      rooms[row[0].as<int64_t>()] =
        room_row{row[1].as<int64_t>(), row[2].as<int64_t>(), row[3].as<std::string>()};
    for (const auto& row : txn.exec("SELECT coalesce(message_id::text, ''), event_type, "
                                    "(extract(epoch from now() - created_at) * 1000)::bigint "
                                    "FROM outbox")) {
      ++backlog;
      auto type = row[1].as<std::string>();
      if (type == "MessageSent")
        queued_sent[row[0].as<std::string>()] = row[2].as<int64_t>();
      else if (type == "MessageRetracted")
        queued_retractions.insert(row[0].as<std::string>());
    }
    for (const auto& row : txn.exec("SELECT coalesce(message_id::text, ''), event_type, "
                                    "coalesce(last_error, '') FROM outbox_dead_letters")) {
      checker::violation(outbox_dead, row[1].as<std::string>() + " of " + row[0].as<std::string>() +
                                        ": " + row[2].as<std::string>());
      if (row[1].as<std::string>() == "MessageSent")
        dead_sent.insert(row[0].as<std::string>());
    }
    for (const auto& row : txn.exec("SELECT message_id::text, reason FROM saga_dead_letters "
                                    "WHERE resolved_at IS NULL"))
      checker::violation(saga_dead, row[0].as<std::string>() + ": " + row[1].as<std::string>());
  }

  // -- messages against room commits ----------------------------------------------------------
  auto& orphans = check.add("orphan-messages",
                            "committed messages in the message store that no room commit covers");
  auto& lost = check.add("lost-messages", "room commits whose message is missing from the store");
  auto& unfinished =
    check.add("unfinished-commits", "room commits whose message stayed pending past the bound");
  for (auto& [id, msg] : messages)
    if (msg.state == 1 && commits.count(id) == 0)
      checker::violation(orphans, id + " (room " + std::to_string(msg.room_id) + ", seq " +
                                    std::to_string(msg.seq) + ")");
  for (auto& [id, commit] : commits) {
    auto i = messages.find(id);
    if (i == messages.end())
      checker::violation(lost, id + " (room " + std::to_string(commit.room_id) + ", seq " +
                                 std::to_string(commit.seq) + ")");
    else if (i->second.state != 1 && i->second.pending_ms > bound)
      checker::violation(unfinished, id + " (state " + std::to_string(i->second.state) + ")");
  }

  // -- room metadata against the stored messages ----------------------------------------------
  auto& metadata =
    check.add("room-metadata", "rooms whose last seq, count or last message differ from their "
                               "messages");
  {
    std::map<int64_t, room_row> implied;
    std::map<int64_t, int64_t> max_seq;
    for (auto& [id, msg] : messages) {
      // Committed, or past the pivot (room commit done) and about to be finalized.
      if (msg.state == 2 || (msg.state == 0 && commits.count(id) == 0))
        continue;
      auto& row = implied[msg.room_id];
      ++row.message_count;
      if (msg.seq > row.last_seq) {
        row.last_seq = msg.seq;
        row.last_message_id = msg.id;
      }
    }
    for (auto& [room_id, actual] : rooms) {
      auto expected = implied[room_id];
      if (actual.last_seq != expected.last_seq || actual.message_count != expected.message_count ||
          actual.last_message_id != expected.last_message_id)
        checker::violation(
          metadata, "room " + std::to_string(room_id) + ": last_seq " +
                      std::to_string(actual.last_seq) + " vs " + std::to_string(expected.last_seq) +
                      ", count " + std::to_string(actual.message_count) + " vs " +
                      std::to_string(expected.message_count) + ", last message '" +
                      actual.last_message_id + "' vs '" + expected.last_message_id + "'");
    }
  }

  // -- events ---------------------------------------------------------------------------------
  int64_t topic_records = 0;
  std::set<std::string> distinct_events;
  published_versions published;
  if (!options.brokers.empty()) {
    auto& unpublished =
      check.add("unpublished-events", "committed messages whose MessageSent never reached Kafka");
    auto& duplicated =
      check.add("duplicate-events", "messages with more than one MessageSent event id");
    auto& unretracted =
      check.add("unretracted-events", "published MessageSent of messages not committed, without a "
                                      "MessageRetracted");
    std::unordered_map<std::string, std::set<std::string>> sent; // message -> event ids
    std::set<std::string> retracted;
    for (auto& record : read_topic(options.brokers, options.topic, std::chrono::seconds(30))) {
      ++topic_records;
      auto value = json::parse(record.value, nullptr, false);
      if (value.is_discarded())
        continue;
      auto type = value.value("eventType", std::string{});
      distinct_events.insert(value.value("eventId", std::string{}));
      published.add(value.value("roomId", int64_t{0}), value.value("version", int64_t{0}),
                    value.value("eventId", std::string{}));
      auto& payload = value["payload"];
      if (type == "MessageSent" && payload.is_object())
        sent[payload.value("id", std::string{})].insert(value.value("eventId", std::string{}));
      else if (type == "MessageRetracted" && payload.is_object())
        retracted.insert(payload.value("messageId", std::string{}));
    }
    for (auto& [id, commit] : commits) {
      if (sent.count(id) > 0 || dead_sent.count(id) > 0)
        continue;
      auto queued = queued_sent.find(id);
      if (queued == queued_sent.end())
        checker::violation(unpublished, id + ": no event anywhere");
      else if (queued->second > bound)
        checker::violation(unpublished, id + ": still in the outbox after " +
                                          std::to_string(queued->second) + " ms");
    }
    for (auto& [id, event_ids] : sent) {
      if (event_ids.size() > 1)
        checker::violation(duplicated, id + ": " + std::to_string(event_ids.size()) + " event ids");
      if (commits.count(id) == 0 && retracted.count(id) == 0 && queued_retractions.count(id) == 0)
        checker::violation(unretracted, id);
    }
    check.figure("topic-records", topic_records);
    check.figure("distinct-events", static_cast<int64_t>(distinct_events.size()));
    check.figure("message-sent-events", static_cast<int64_t>(sent.size()));
    check.figure("retractions", static_cast<int64_t>(retracted.size()));
  }

  verify_message_changes(options, check, options.brokers.empty() ? nullptr : &published);

  // -- what clients were told -----------------------------------------------------------------
  if (!options.client_log.empty()) {
    auto& saved_missing = check.add(
      "saved-but-missing", "messages acknowledged SAVED that are not stored exactly as told");
    auto& failed_present =
      check.add("failed-but-present", "messages told FAILED that left a trace in the store");
    std::ifstream in{options.client_log};
    if (!in)
      throw std::runtime_error("cannot read the client log " + options.client_log);
    struct told {
      std::string status;
      std::string persisted_id;
      int64_t seq = 0;
    };
    std::map<std::string, told> final_status;
    std::string line;
    int64_t saved = 0;
    int64_t failed = 0;
    while (std::getline(in, line)) {
      auto entry = json::parse(line, nullptr, false);
      if (entry.is_discarded())
        continue;
      auto status = entry.value("status", std::string{});
      if (status != "SAVED" && status != "FAILED")
        continue;
      auto key = key_of(entry.value("senderId", int64_t{0}), entry.value("tempId", std::string{}));
      auto& record = final_status[key];
      // A SAVED is final: a later FAILED for the same tempId contradicts it.
      if (record.status == "SAVED") {
        if (status == "FAILED")
          checker::violation(saved_missing, key + ": told FAILED after SAVED");
        else if (entry.value("persistedId", std::string{}) != record.persisted_id ||
                 entry.value("seq", int64_t{0}) != record.seq)
          checker::violation(saved_missing, key + ": told SAVED twice, as different messages");
        continue;
      }
      record =
        told{status, entry.value("persistedId", std::string{}), entry.value("seq", int64_t{0})};
    }
    for (auto& [key, record] : final_status) {
      auto i = by_key.find(key);
      if (record.status == "SAVED") {
        ++saved;
        if (i == by_key.end())
          checker::violation(saved_missing, key + ": not stored");
        else if (i->second != record.persisted_id)
          checker::violation(saved_missing,
                             key + ": stored as " + i->second + ", told " + record.persisted_id);
        else if (messages[i->second].state != 1)
          checker::violation(saved_missing, key + ": not committed");
        else if (messages[i->second].seq != record.seq)
          checker::violation(saved_missing, key + ": stored with another seq");
      } else {
        ++failed;
        if (i != by_key.end())
          checker::violation(failed_present, key + ": stored as " + i->second);
      }
    }
    check.figure("client-saved", saved);
    check.figure("client-failed", failed);
  }

  int64_t committed = 0;
  for (auto& [id, msg] : messages)
    committed += msg.state == 1 ? 1 : 0;
  check.figure("messages", static_cast<int64_t>(messages.size()));
  check.figure("committed", committed);
  check.figure("room-commits", static_cast<int64_t>(commits.size()));
  check.figure("rooms", static_cast<int64_t>(rooms.size()));
  check.figure("outbox-backlog", backlog);
  return report;
}

} // namespace chat
