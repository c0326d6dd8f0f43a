-- outbox events waiting for a retry
-- Only a retried event (attempts > 0) can be not yet due; a fresh one is due at once. The relay
-- asks, for every event it claims, whether an earlier event of its room waits for a retry: this
-- index holds only those, so the question costs the same with a backlog of a million events as
-- with none (over outbox_room_order it scanned every earlier event of the room).
CREATE INDEX outbox_retrying ON outbox (room_id, id) WHERE attempts > 0;
