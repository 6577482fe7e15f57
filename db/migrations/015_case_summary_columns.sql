-- The two summary keys the case list filters and ranks on, as columns (domain/case-summary.ts types the
-- summary). Derived from the summary like `attention` (008), so rows written before this read the same.
ALTER TABLE cases ADD COLUMN IF NOT EXISTS outcome text GENERATED ALWAYS AS (summary->>'outcome') STORED;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS priority text GENERATED ALWAYS AS (summary->>'priority') STORED;
