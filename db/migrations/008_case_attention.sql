-- Cases that need a person's eye (issue 10): a step stuck after its bounded retries, or a
-- best-effort step that failed. Workflows put `attention` in the row's summary; the column is
-- derived from it so the list can filter and index it.
ALTER TABLE cases ADD COLUMN IF NOT EXISTS attention boolean
  GENERATED ALWAYS AS (COALESCE((summary->>'attention')::boolean, false)) STORED;
-- few rows need attention: a partial index in list order stays small
CREATE INDEX IF NOT EXISTS cases_attention_due_idx ON cases (next_due_at, case_id) WHERE attention;
