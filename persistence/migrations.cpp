#include "persistence/migrations.hpp"

#include <stdexcept>

#include <libpq-fe.h>
#include <pqxx/pqxx>

namespace chat {

const char* to_string(database_kind x) {
  switch (x) {
  case database_kind::messages:
    return "messages";
  case database_kind::rooms:
    return "rooms";
  case database_kind::streamer:
    return "streamer";
  }
  return "unknown";
}

namespace {

const std::vector<migration> messages_migrations{
  {1, "messages and their pending marks",
   R"sql(
-- Rows are written once (saga step 1) and never updated; ids are time-ordered UUIDs.
CREATE TABLE messages (
  id uuid PRIMARY KEY,
  room_id bigint NOT NULL,
  seq bigint NOT NULL,
  sender_id bigint NOT NULL,
  temp_id text NOT NULL,
  content text NOT NULL,
  type text NOT NULL DEFAULT 'TEXT',
  mentions bigint[] NOT NULL DEFAULT '{}',
  thread_id text,
  reply_to text,
  forwarded_from text,
  created_at timestamptz NOT NULL,
  CONSTRAINT messages_room_seq UNIQUE (room_id, seq),
  CONSTRAINT messages_sender_temp UNIQUE (sender_id, temp_id)
);
-- The saga's durable log: a message with a row here is not committed. Saga step 1 inserts
-- it with the message, step 3 deletes it; recovery reads it after a crash. A narrow table
-- of live sagas, so that committing never rewrites the message row and its indexes.
CREATE TABLE message_pending (
  id uuid PRIMARY KEY,
  room_id bigint NOT NULL,
  -- 0: its saga runs; 2: compensating (recovery removes it, never finishes it).
  state smallint NOT NULL DEFAULT 0 CHECK (state IN (0, 2)),
  updated_at timestamptz NOT NULL DEFAULT now()
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);
)sql"},
};

const std::vector<migration> rooms_migrations{
  {1, "users, rooms, members",
   R"sql(
CREATE TABLE users (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  nickname text NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE rooms (
  id bigserial PRIMARY KEY,
  title text NOT NULL,
  type text NOT NULL CHECK (type IN ('GROUP', 'DIRECT')),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seq bigint NOT NULL DEFAULT 0,
  message_count bigint NOT NULL DEFAULT 0,
  -- Version of the room's last outbox event; events carry it, strictly increasing.
  version bigint NOT NULL DEFAULT 0,
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  -- The message object of the client contract, as the room commit wrote it.
  last_message json,
  owner_node text,
  -- Fence: every room write carries the epoch under which its writer claimed the room.
  owner_epoch bigint NOT NULL DEFAULT 0
) WITH (fillfactor = 70);
CREATE TABLE room_members (
  room_id bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  joined_at timestamptz NOT NULL DEFAULT now(),
  read_seq bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (room_id, user_id)
) WITH (fillfactor = 70);
CREATE INDEX room_members_user ON room_members (user_id);
)sql"},
  {2, "room commits, tombstones, outbox, dead letters",
   R"sql(
-- Saga step 2: one row per message committed to its room (the room's log).
CREATE TABLE room_messages (
  room_id bigint NOT NULL,
  seq bigint NOT NULL,
  message_id uuid NOT NULL UNIQUE,
  sender_id bigint NOT NULL,
  -- The message object of the client contract (also the payload of its MessageSent event).
  message json NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room_id, seq)
);
-- Messages aborted by compensation or recovery: their room commit can never happen.
CREATE TABLE message_tombstones (
  message_id uuid PRIMARY KEY,
  room_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Events not yet published. A relay claims rows with FOR UPDATE SKIP LOCKED, holds the locks
-- while it produces them, and deletes what Kafka acknowledged in the same transaction.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  room_id bigint NOT NULL,
  version bigint NOT NULL,
  message_id uuid,
  -- The event's payload (JSON); NULL for MessageSent, whose payload is the message of its
  -- room commit (stored once, joined when published).
  payload text,
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
CREATE INDEX outbox_message ON outbox (message_id);
CREATE TABLE outbox_dead_letters (
  id bigint PRIMARY KEY,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  room_id bigint NOT NULL,
  version bigint NOT NULL,
  message_id uuid,
  value text NOT NULL,
  attempts integer NOT NULL,
  last_error text,
  dead_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_dead_letters_message ON outbox_dead_letters (message_id);
CREATE TABLE saga_dead_letters (
  message_id uuid PRIMARY KEY,
  room_id bigint NOT NULL,
  seq bigint NOT NULL,
  sender_id bigint NOT NULL,
  temp_id text NOT NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  attempts integer NOT NULL DEFAULT 1
);
-- Wakes the outbox relays (LISTEN outbox); they poll as a fallback.
CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox();
)sql"},
  {3, "cluster membership",
   R"sql(
-- The nodes of the cluster: each renews its lease with a heartbeat; a node whose lease ran
-- out is no member any more. Placement uses live connections; this table is how nodes find
-- each other (besides the seeds) and what the cluster view shows.
CREATE TABLE cluster_members (
  node_id text PRIMARY KEY,
  host text NOT NULL,
  cluster_port integer NOT NULL,
  http_port integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz NOT NULL
);
)sql"},
};

// The streamer store (chat-streamer): exactly-once effects of the chat events.
const std::vector<migration> streamer_migrations{
  {1, "event handling, room metrics, mention notifications, dead letters", R"sql(
-- One row per handled event: inserted in the transaction of the event's effects, so an
-- event whose id is here has had its effect exactly once.
CREATE TABLE event_handled (
  event_id uuid PRIMARY KEY,
  event_type text NOT NULL,
  room_id bigint NOT NULL,
  version bigint NOT NULL,
  handled_at timestamptz NOT NULL DEFAULT now()
);
-- The messages counted per room. A retraction that arrives before its MessageSent leaves a
-- retracted row, so that the late MessageSent counts nothing.
CREATE TABLE room_messages (
  message_id uuid PRIMARY KEY,
  room_id bigint NOT NULL,
  retracted boolean NOT NULL DEFAULT false
);
CREATE TABLE room_metrics (
  room_id bigint PRIMARY KEY,
  messages bigint NOT NULL DEFAULT 0,
  mentions bigint NOT NULL DEFAULT 0,
  -- Order-sensitive fields follow the newest version only.
  last_version bigint NOT NULL DEFAULT 0,
  last_message_version bigint NOT NULL DEFAULT 0,
  last_message_id uuid,
  last_activity_at bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE mention_notifications (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL,
  room_id bigint NOT NULL,
  message_id uuid NOT NULL,
  sender_id bigint NOT NULL,
  event_id uuid NOT NULL,
  created_at bigint NOT NULL,
  UNIQUE (user_id, message_id)
);
CREATE INDEX mention_notifications_user ON mention_notifications (user_id, id DESC);
CREATE INDEX mention_notifications_message ON mention_notifications (message_id);
-- Records that cannot be decoded (poison events): kept, skipped, never block a partition.
CREATE TABLE streamer_dead_letters (
  id bigserial PRIMARY KEY,
  topic text NOT NULL,
  partition integer NOT NULL,
  "offset" bigint NOT NULL,
  key text NOT NULL,
  value text NOT NULL,
  error text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (topic, partition, "offset")
);
)sql"},
};

} // namespace

const std::vector<migration>& migrations_of(database_kind kind) {
  switch (kind) {
  case database_kind::messages:
    return messages_migrations;
  case database_kind::rooms:
    return rooms_migrations;
  case database_kind::streamer:
    return streamer_migrations;
  }
  throw std::logic_error("unknown database kind");
}

int migrate(const std::string& dsn, database_kind kind) {
  pqxx::connection conn{dsn};
  {
    pqxx::work txn{conn};
    txn.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
             "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    txn.commit();
  }
  int applied = 0;
  for (auto& step : migrations_of(kind)) {
    pqxx::work txn{conn};
    // Serializes nodes that start together; released at commit.
    txn.exec("SELECT pg_advisory_xact_lock(7365227)");
    auto done = txn.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", step.version);
    if (!done.empty())
      continue;
    txn.exec(step.sql);
    txn.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", step.version,
                    step.name);
    txn.commit();
    ++applied;
  }
  return applied;
}

namespace {

/// Parses a connection string with libpq itself (both key=value and URI forms).
std::vector<std::pair<std::string, std::string>> parse_dsn(const std::string& dsn) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (options == nullptr) {
    std::string what = error != nullptr ? error : "malformed connection string";
    PQfreemem(error);
    throw std::invalid_argument(what);
  }
  std::vector<std::pair<std::string, std::string>> result;
  for (auto* opt = options; opt->keyword != nullptr; ++opt)
    if (opt->val != nullptr)
      result.emplace_back(opt->keyword, opt->val);
  PQconninfoFree(options);
  return result;
}

std::string quote_value(const std::string& value) {
  std::string result = "'";
  for (auto c : value) {
    if (c == '\'' || c == '\\')
      result += '\\';
    result += c;
  }
  result += "'";
  return result;
}

} // namespace

std::string database_name(const std::string& dsn) {
  for (auto& [key, value] : parse_dsn(dsn))
    if (key == "dbname")
      return value;
  return {};
}

std::string with_database(const std::string& dsn, const std::string& dbname) {
  std::string result;
  bool replaced = false;
  for (auto& [key, value] : parse_dsn(dsn)) {
    if (!result.empty())
      result += ' ';
    result += key;
    result += '=';
    if (key == "dbname") {
      result += quote_value(dbname);
      replaced = true;
    } else {
      result += quote_value(value);
    }
  }
  if (!replaced)
    result += (result.empty() ? "dbname=" : " dbname=") + quote_value(dbname);
  return result;
}

bool ensure_database(const std::string& dsn) {
  auto name = database_name(dsn);
  if (name.empty())
    throw std::invalid_argument("connection string names no database: " + dsn);
  pqxx::connection conn{with_database(dsn, "postgres")};
  pqxx::nontransaction txn{conn};
  if (!txn.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", name).empty())
    return false;
  try {
    txn.exec("CREATE DATABASE " + txn.quote_name(name));
  } catch (const pqxx::sql_error& e) {
    // Another node created it at the same moment.
    if (e.sqlstate() != "42P04")
      throw;
    return false;
  }
  return true;
}

} // namespace chat
