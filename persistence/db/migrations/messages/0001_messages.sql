-- messages and their pending marks
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
