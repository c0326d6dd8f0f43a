-- cluster membership
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
