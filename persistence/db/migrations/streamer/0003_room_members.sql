-- member counts and deleted rooms in the room metrics
-- MemberJoined adds one, MemberLeft takes one (each once: event_handled); RoomDeleted marks
-- the room (a deletion for everyone publishes a MemberLeft per member before it).
ALTER TABLE room_metrics ADD COLUMN members bigint NOT NULL DEFAULT 0;
ALTER TABLE room_metrics ADD COLUMN deleted_at bigint;
