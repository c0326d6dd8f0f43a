-- presence: open sessions per user and node
-- Each node counts its open sessions per user (+1 on connect, -1 on close: the order of the
-- two does not matter); a row whose count reaches 0 is deleted. A user is online while a row
-- of a live node exists: a node that is in cluster_members with a live lease, or one that is
-- not in the cluster at all (a single node clears its rows when it starts).
CREATE TABLE user_sessions (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  node_id text NOT NULL,
  sessions integer NOT NULL,
  PRIMARY KEY (user_id, node_id)
);
CREATE INDEX user_sessions_node ON user_sessions (node_id);
