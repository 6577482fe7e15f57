-- C5: every closed complaint keeps its summary and improvement note (root cause), one row per
-- complaint, so repeated causes can be counted by category and root cause over a period.
-- Written once by the complaint workflow's closing activity; the case row and timeline stay in 001.
CREATE TABLE IF NOT EXISTS complaint_causes (
  complaint_id      text PRIMARY KEY,
  case_id           text NOT NULL,            -- = workflow id, 'complaint:<complaintId>'
  category          text NOT NULL,
  department        text NOT NULL,
  root_cause        text NOT NULL,
  valid             boolean NOT NULL,         -- false: the complaint was unfounded
  summary           text NOT NULL,
  improvement_note  text NOT NULL,
  reopen_count      integer NOT NULL CHECK (reopen_count >= 0),
  compensations     jsonb NOT NULL DEFAULT '[]'::jsonb,
  received_at       timestamptz NOT NULL,
  closed_at         timestamptz NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS complaint_causes_closed_idx ON complaint_causes (closed_at);
