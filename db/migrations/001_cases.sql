-- Read model of every case (one row each) and its append-only timeline.
-- Written only by activities; the API lists from here, never from Temporal visibility.
CREATE TABLE IF NOT EXISTS cases (
  case_id        text PRIMARY KEY,           -- = workflow id, e.g. 'order:A1001'
  case_type      text NOT NULL,
  business_id    text NOT NULL,
  workflow_id    text NOT NULL,
  run_id         text NOT NULL,
  status         text NOT NULL CHECK (status IN ('open', 'closed')),
  stage          text NOT NULL,
  customer_id    text,
  customer_masked jsonb,                     -- O11: only masked personal data in the read model
  amount_fen     bigint,
  currency       text,
  next_due_at    timestamptz,
  breached       boolean NOT NULL DEFAULT false,
  summary        jsonb NOT NULL DEFAULT '{}'::jsonb,
  version        integer NOT NULL,           -- timeline seq of the last write: older snapshots never overwrite newer
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS case_timeline (
  id          bigserial PRIMARY KEY,
  case_id     text NOT NULL REFERENCES cases (case_id),
  seq         integer NOT NULL,
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  action      text NOT NULL,
  rule        text,
  detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
  workflow_id text NOT NULL,
  run_id      text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- a retried activity writes the same (run, seq) again: kept once
  UNIQUE (workflow_id, run_id, seq)
);
CREATE INDEX IF NOT EXISTS case_timeline_case_idx ON case_timeline (case_id, at, id);

-- Append-only: history is evidence, so rows are never changed or removed.
CREATE OR REPLACE FUNCTION case_timeline_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'case_timeline is append-only';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS case_timeline_no_change ON case_timeline;
CREATE TRIGGER case_timeline_no_change BEFORE UPDATE OR DELETE ON case_timeline
  FOR EACH ROW EXECUTE FUNCTION case_timeline_append_only();
