-- Console sign-ins (issue 11): a random session id in an HttpOnly cookie maps to the principal.
-- Only the id's SHA-256 is kept, so a copy of this table signs nobody in; the API key is never stored.
CREATE TABLE IF NOT EXISTS console_sessions (
  id_digest    text PRIMARY KEY,
  principal    text NOT NULL,
  roles        text[] NOT NULL,
  key_id       text NOT NULL,
  via          text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
-- expired sessions are purged at sign-in
CREATE INDEX IF NOT EXISTS console_sessions_expires_idx ON console_sessions (expires_at);
