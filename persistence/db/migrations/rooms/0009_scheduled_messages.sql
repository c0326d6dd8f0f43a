-- scheduled messages: durable schedules, and the claims of the nodes that fire them
-- One row per schedule. `occurrence` counts the occurrences fired so far (the next one's
-- tempId is schedule:{id}:{occurrence}, so a retry of it after a crash is deduplicated by the
-- messages store). The next occurrence is due at `scheduled_at`, computed from `anchor_at`, the
-- recurrence and occurrence - anchor_occurrence (a change of the time or recurrence moves the
-- anchor). A node fires a due occurrence only after claiming it: claimed_by and claim_until
-- (its lease); a claim that lapsed (a node that died) is taken by any node.
CREATE TABLE scheduled_messages (
  id bigserial PRIMARY KEY,
  sender_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  room_id bigint NOT NULL,
  content text NOT NULL,
  recurrence text NOT NULL DEFAULT '' CHECK (recurrence IN ('', 'DAILY', 'WEEKLY', 'MONTHLY')),
  anchor_at timestamptz NOT NULL,
  anchor_occurrence bigint NOT NULL DEFAULT 0,
  occurrence bigint NOT NULL DEFAULT 0,
  scheduled_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'PENDING'
    CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'CANCELLED')),
  claimed_by text,
  claim_until timestamptz,
  last_message_id uuid,
  error_code text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
-- The scheduler's question: what is due, oldest first.
CREATE INDEX scheduled_messages_due ON scheduled_messages (scheduled_at, id)
  WHERE status = 'PENDING';
-- The owner's list.
CREATE INDEX scheduled_messages_sender ON scheduled_messages (sender_id, scheduled_at);
