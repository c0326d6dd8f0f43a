-- message changes, threads and search
-- What changes of a message after it was sent (applied here from the rooms database, where
-- each change is an event in its room's version order), and what reads need for threads and
-- full-text search.
ALTER TABLE messages
  ADD COLUMN edited_at timestamptz,
  ADD COLUMN deleted boolean NOT NULL DEFAULT false,
  ADD COLUMN reactions json,
  ADD COLUMN pinned boolean NOT NULL DEFAULT false,
  ADD COLUMN url_preview json,
  -- The room event version of the message's latest change.
  ADD COLUMN version bigint NOT NULL DEFAULT 0,
  ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED;
CREATE INDEX messages_search ON messages USING gin (search);
CREATE INDEX messages_thread ON messages (thread_id, seq) WHERE thread_id IS NOT NULL;
