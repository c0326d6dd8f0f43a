// `chatctl verify`: the invariants of changes of existing messages.
#include <unordered_map>

#include <pqxx/pqxx>

#include "apps/invariant_checker.hpp"

namespace chat {

namespace {

/// A committed message as the messages store shows it.
struct shown_message {
  bool deleted = false;
  bool has_content = false;
  int64_t version = 0;
};

/// A room commit as the rooms store decided it.
struct decided_message {
  int64_t room_id = 0;
  bool deleted = false;
  bool has_content = false;
  int64_t version = 0;
  /// Nothing about it was ever changed (as far as the message shows).
  bool pristine = false;
};

} // namespace

void verify_message_changes(const verify_options& options, checker& check,
                            const published_versions* published) {
  auto bound = static_cast<int64_t>(options.max_pending_age.count());
  auto& scrubbed = check.add("deleted-content", "deleted messages whose content is still stored "
                                                "(messages, room commits, rooms, outbox)");
  auto& unapplied =
    check.add("unapplied-changes", "messages whose history differs from the "
                                   "change the rooms store decided, past the bound");
  auto& rows_differ = check.add("reaction-pin-rows", "messages whose reactions or pin differ "
                                                     "from the reaction and pin rows");
  std::unordered_map<std::string, shown_message> shown;
  {
    pqxx::connection conn{options.messages_dsn};
    pqxx::read_transaction txn{conn};
    for (const auto& row : txn.exec("SELECT m.id::text, m.deleted, m.content <> '' OR "
                                    "cardinality(m.mentions) > 0, m.version "
                                    "FROM messages m LEFT JOIN message_pending p ON p.id = m.id "
                                    "WHERE p.id IS NULL"))
      shown[row[0].as<std::string>()] =
        shown_message{row[1].as<bool>(), row[2].as<bool>(), row[3].as<int64_t>()};
  }
  std::unordered_map<std::string, decided_message> decided;
  std::unordered_map<std::string, std::pair<int64_t, int64_t>> applies; // id -> (version, age)
  std::set<std::pair<int64_t, int64_t>> queued;                         // (room, version)
  {
    pqxx::connection conn{options.rooms_dsn};
    pqxx::read_transaction txn{conn};
    for (const auto& row :
         txn.exec("SELECT message_id::text, room_id, deleted, coalesce(message->>'content', '') "
                  "<> '', coalesce((message->>'version')::bigint, 0), NOT deleted AND "
                  "message->>'editedAt' IS NULL AND message->>'urlPreview' IS NULL AND "
                  "NOT coalesce((message->>'pinned')::boolean, false) AND "
                  "json_array_length(coalesce(message->'reactions', '[]'::json)) = 0 "
                  "FROM room_messages"))
      decided[row[0].as<std::string>()] =
        decided_message{row[1].as<int64_t>(), row[2].as<bool>(), row[3].as<bool>(),
                        row[4].as<int64_t>(), row[5].as<bool>()};
    for (const auto& row :
         txn.exec("SELECT message_id::text, version, (extract(epoch from now() - created_at) * "
                  "1000)::bigint FROM message_applies"))
      applies[row[0].as<std::string>()] = {row[1].as<int64_t>(), row[2].as<int64_t>()};
    for (const auto& row :
         txn.exec("SELECT r.id::text FROM rooms r WHERE r.last_message->>'deleted' "
                  "= 'true' AND coalesce(r.last_message->>'content', '') <> ''"))
      checker::violation(scrubbed, "room " + row[0].as<std::string>() + ": last message");
    // Unpublished events of a deleted message carry no content (a MessageSent takes its
    // payload from the room commit when it is published).
    for (const auto& row :
         txn.exec("SELECT o.event_type, o.message_id::text FROM outbox o JOIN room_messages rm ON "
                  "rm.message_id = o.message_id WHERE rm.deleted AND o.payload IS NOT NULL AND "
                  "o.event_type IN ('MessageSent', 'MessageEdited', 'MessageDeleted', "
                  "'MessagePreviewed') AND coalesce(o.payload::json->>'content', '') <> ''"))
      checker::violation(scrubbed, row[1].as<std::string>() + ": queued " +
                                     row[0].as<std::string>() + " with content");
    // The reaction and pin rows (what the next change reads) agree with the messages.
    for (const auto& row : txn.exec(
           "SELECT rm.message_id::text FROM room_messages rm WHERE (SELECT coalesce(sum("
           "json_array_length(r->'userIds')), 0) FROM json_array_elements(coalesce("
           "rm.message->'reactions', '[]'::json)) r) <> (SELECT count(*) FROM message_reactions x "
           "WHERE x.message_id = rm.message_id) OR coalesce((rm.message->>'pinned')::boolean, "
           "false) <> EXISTS (SELECT 1 FROM room_pins p WHERE p.message_id = rm.message_id)"))
      checker::violation(rows_differ, row[0].as<std::string>());
    for (const auto& row : txn.exec("SELECT room_id, version FROM outbox UNION ALL SELECT "
                                    "room_id, version FROM outbox_dead_letters"))
      queued.emplace(row[0].as<int64_t>(), row[1].as<int64_t>());
  }
  for (auto& [id, commit] : decided) {
    if (commit.deleted && commit.has_content)
      checker::violation(scrubbed, id + ": room commit");
    auto message = shown.find(id);
    if (message == shown.end())
      continue; // pending or missing: the saga invariants judge it
    if (message->second.deleted && message->second.has_content)
      checker::violation(scrubbed, id + ": messages store");
    if (message->second.version == commit.version && message->second.deleted == commit.deleted)
      continue;
    // Never changed: history keeps version 0 (committing does not rewrite the row).
    if (message->second.version == 0 && commit.pristine)
      continue;
    // Different: fine only while the apply is queued and young.
    auto apply = applies.find(id);
    auto in_flight = apply != applies.end() && apply->second.first >= commit.version &&
                     apply->second.second <= bound;
    if (!in_flight || message->second.version > commit.version)
      checker::violation(unapplied, id + ": history at version " +
                                      std::to_string(message->second.version) + ", decided " +
                                      std::to_string(commit.version));
  }
  if (published == nullptr)
    return;
  auto& without_event =
    check.add("changes-without-event", "message versions with no event on the topic or queued");
  auto& shared = check.add("duplicate-versions", "room versions carried by two different events");
  for (auto& [id, commit] : decided)
    if (commit.version > 0 && published->events.count({commit.room_id, commit.version}) == 0 &&
        queued.count({commit.room_id, commit.version}) == 0)
      checker::violation(without_event, id + ": version " + std::to_string(commit.version) +
                                          " of room " + std::to_string(commit.room_id));
  for (auto& [key, ids] : published->events)
    if (key.second > 0 && ids.size() > 1)
      checker::violation(shared, "room " + std::to_string(key.first) + " version " +
                                   std::to_string(key.second) + ": " + std::to_string(ids.size()) +
                                   " events");
}

} // namespace chat
