-- Every closed workflow run's event history, gzip-compressed, in a SHA-256 hash chain: each entry's
-- entry_hash covers its fields, its content hash and the previous entry's entry_hash, so a changed,
-- removed or reordered entry breaks the chain (npm run audit:verify-archive finds the first one).
-- Appended only by worker/archiver.ts under an advisory lock, so seq has no gaps.
CREATE TABLE IF NOT EXISTS history_archive (
  seq             bigint PRIMARY KEY CHECK (seq > 0),
  workflow_id     text NOT NULL,
  run_id          text NOT NULL,
  workflow_type   text NOT NULL,
  event_count     integer NOT NULL CHECK (event_count > 0),
  started_at      timestamptz NOT NULL,      -- this run's first event
  closed_at       timestamptz NOT NULL,      -- this run's last event
  history_gz      bytea NOT NULL,            -- gzip of the history JSON (temporal workflow show --output json)
  content_sha256  text NOT NULL,             -- hex SHA-256 of the uncompressed JSON
  prev_hash       text NOT NULL,             -- entry_hash of seq - 1 (64 zeros for the first entry)
  entry_hash      text NOT NULL,
  archived_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workflow_id, run_id)
);
CREATE INDEX IF NOT EXISTS history_archive_workflow_idx ON history_archive (workflow_id, closed_at);
CREATE INDEX IF NOT EXISTS history_archive_started_idx ON history_archive (started_at);

-- Evidence is never changed in place; the hash chain still catches whoever bypasses this.
CREATE OR REPLACE FUNCTION history_archive_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'history_archive is append-only';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS history_archive_no_change ON history_archive;
CREATE TRIGGER history_archive_no_change BEFORE UPDATE OR DELETE ON history_archive
  FOR EACH ROW EXECUTE FUNCTION history_archive_append_only();
