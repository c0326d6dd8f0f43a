-- refresh tokens, rotated in families
-- Every refresh token a login or a rotation issued. A token is good once: using it marks it
-- used and issues the next of its family; using a used token again is theft or a replay, and
-- ends the whole family (the login). Logout ends the family too: its rows go.
CREATE TABLE refresh_tokens (
  token_id uuid PRIMARY KEY,
  family_id uuid NOT NULL,
  user_id bigint NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
