-- url previews: the cache of fetched previews, per URL
-- A preview is read again after the cache's TTL; failed fetches are not kept.
CREATE TABLE url_previews (
  url text PRIMARY KEY,
  -- {url, title, description, imageUrl, siteName}, as a message's urlPreview shows it.
  preview json NOT NULL,
  fetched_at timestamptz NOT NULL DEFAULT now()
);
