-- people: profiles, status, friends, blocks
-- Profiles and status live on the user row; last_seen_at is written when a user's last session
-- closes.
ALTER TABLE users
  ADD COLUMN bio text NOT NULL DEFAULT '',
  ADD COLUMN avatar_url text NOT NULL DEFAULT '',
  ADD COLUMN status text NOT NULL DEFAULT 'ONLINE',
  ADD COLUMN status_message text NOT NULL DEFAULT '',
  ADD COLUMN last_seen_at timestamptz;
-- Prefix search on username and nickname, case-insensitive: a btree over lower(x) with
-- text_pattern_ops serves `lower(x) LIKE 'abc%'` as an index range scan whatever the collation.
CREATE INDEX users_username_prefix ON users (lower(username) text_pattern_ops);
CREATE INDEX users_nickname_prefix ON users (lower(nickname) text_pattern_ops);
-- A friendship is stored in both directions, so that the friends of a user (and the BFS over
-- the friend graph) are one index range each.
CREATE TABLE friendships (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  friend_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, friend_id),
  CHECK (user_id <> friend_id)
);
CREATE TABLE friend_requests (
  id bigserial PRIMARY KEY,
  from_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  to_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (from_id, to_id),
  CHECK (from_id <> to_id)
);
CREATE INDEX friend_requests_to ON friend_requests (to_id);
CREATE TABLE user_blocks (
  blocker_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  blocked_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (blocker_id, blocked_id),
  CHECK (blocker_id <> blocked_id)
);
CREATE INDEX user_blocks_blocked ON user_blocks (blocked_id);
