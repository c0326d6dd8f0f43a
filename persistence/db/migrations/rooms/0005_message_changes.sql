-- message changes, roles, reactions, pins, bookmarks
-- Members have roles; the creator of a room is its OWNER (for rooms made before: the member
-- who joined first).
ALTER TABLE rooms ADD COLUMN created_by bigint;
ALTER TABLE room_members
  ADD COLUMN role text NOT NULL DEFAULT 'MEMBER' CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER'));
UPDATE room_members m SET role = 'OWNER' FROM (
  SELECT DISTINCT ON (room_id) room_id, user_id FROM room_members ORDER BY room_id, joined_at, user_id
) first WHERE m.room_id = first.room_id AND m.user_id = first.user_id;
-- room_messages.message is the message as it now is; deleted messages stay, scrubbed.
ALTER TABLE room_messages ADD COLUMN deleted boolean NOT NULL DEFAULT false;
CREATE TABLE message_reactions (
  message_id uuid NOT NULL,
  room_id bigint NOT NULL,
  user_id bigint NOT NULL,
  reaction text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, user_id, reaction)
);
CREATE TABLE room_pins (
  room_id bigint NOT NULL,
  message_id uuid NOT NULL,
  pinned_by bigint NOT NULL,
  pinned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room_id, message_id)
);
-- Changes not yet applied to the messages store: the latest state per message; the room
-- applies it right after the change, recovery what a crash left here.
CREATE TABLE message_applies (
  message_id uuid PRIMARY KEY,
  room_id bigint NOT NULL,
  version bigint NOT NULL,
  message json NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE bookmarks (
  user_id bigint NOT NULL,
  message_id uuid NOT NULL,
  room_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, message_id)
);
CREATE INDEX bookmarks_newest ON bookmarks (user_id, created_at DESC);
