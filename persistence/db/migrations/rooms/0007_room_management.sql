-- room management: description, notice, deletion, favorites
-- A deleted room keeps its row (its events and history stay consistent) but has no members.
ALTER TABLE rooms
  ADD COLUMN description text NOT NULL DEFAULT '',
  ADD COLUMN notice_content text,
  ADD COLUMN notice_by bigint,
  ADD COLUMN notice_at timestamptz,
  ADD COLUMN deleted_at timestamptz;
-- A user's favorite rooms (the user's own mark; not a change of the room).
CREATE TABLE room_favorites (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  room_id bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, room_id)
);
