-- the counted messages
-- The streamer's messages table has a name of its own: room_messages is the rooms database's
-- log of room commits.
ALTER TABLE room_messages RENAME TO counted_messages;
ALTER TABLE counted_messages RENAME CONSTRAINT room_messages_pkey TO counted_messages_pkey;
