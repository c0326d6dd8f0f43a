-- outbox events in room order
-- The relay never publishes an event while an earlier event of the same room waits for its
-- retry: a room's events reach Kafka in version order whatever fails.
CREATE INDEX outbox_room_order ON outbox (room_id, id);
