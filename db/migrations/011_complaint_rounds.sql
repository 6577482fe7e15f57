-- C5: every resolution round keeps its root cause, not only the last one, and how it ended
-- (reopened, satisfied, unreachable, unresolved): one row per complaint and round.
ALTER TABLE complaint_causes ADD COLUMN IF NOT EXISTS round integer;
UPDATE complaint_causes SET round = reopen_count + 1 WHERE round IS NULL;
ALTER TABLE complaint_causes ALTER COLUMN round SET NOT NULL;
ALTER TABLE complaint_causes ADD CONSTRAINT complaint_causes_round_check CHECK (round >= 1);
ALTER TABLE complaint_causes ADD COLUMN IF NOT EXISTS outcome text NOT NULL DEFAULT 'satisfied'
  CHECK (outcome IN ('reopened', 'satisfied', 'unreachable', 'unresolved'));
ALTER TABLE complaint_causes DROP CONSTRAINT complaint_causes_pkey;
ALTER TABLE complaint_causes ADD PRIMARY KEY (complaint_id, round);
