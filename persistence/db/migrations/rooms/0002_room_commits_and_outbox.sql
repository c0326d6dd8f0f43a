-- room commits, tombstones, outbox, dead letters
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
