-- The search index over an expression instead of a stored tsvector column: a stored generated
-- column is computed again on every UPDATE of the row (every reaction, pin or preview apply
-- re-tokenized the content) and, with full pages, every such update rewrote every index. With
-- the expression index and free room on each page (fillfactor), an apply that leaves content
-- alone is a heap-only update: no tokenizing, no index writes.
DROP INDEX IF EXISTS messages_search;
ALTER TABLE messages DROP COLUMN IF EXISTS search;
CREATE INDEX messages_search ON messages USING gin (to_tsvector('english', content));
ALTER TABLE messages SET (fillfactor = 85);
