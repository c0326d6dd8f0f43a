-- event handling, room metrics, mention notifications, dead letters
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
