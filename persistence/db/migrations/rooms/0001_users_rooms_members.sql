-- users, rooms, members
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
