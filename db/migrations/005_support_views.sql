-- Support and audit views: the case list's indexes, restricted personal data, the access log.

-- Which department owns a case (complaints are routed; other processes leave it empty).
ALTER TABLE cases ADD COLUMN IF NOT EXISTS department text;

-- Index plan for GET /v1/cases. Every list is ordered by (next_due_at, case_id) and paged by keyset
-- on that pair, so each index ends with it: a filter on the leading columns walks the index in
-- order and stops after one page, whatever the table size.
--   * status alone ("all open cases, most urgent first"): the default view
CREATE INDEX IF NOT EXISTS cases_status_due_idx ON cases (status, next_due_at, case_id);
--   * type + status ("open refunds"): the second most common view
CREATE INDEX IF NOT EXISTS cases_type_status_due_idx ON cases (case_type, status, next_due_at, case_id);
--   * overdue: few rows, so a partial index stays small and is scanned whole
CREATE INDEX IF NOT EXISTS cases_overdue_due_idx ON cases (next_due_at, case_id) WHERE breached;
--   * no filter at all, and dueWithin (a range on next_due_at)
CREATE INDEX IF NOT EXISTS cases_due_idx ON cases (next_due_at, case_id);
--   * one customer's or one department's cases: selective equality filters
CREATE INDEX IF NOT EXISTS cases_customer_idx ON cases (customer_id, next_due_at, case_id);
CREATE INDEX IF NOT EXISTS cases_department_idx ON cases (department, status, next_due_at, case_id) WHERE department IS NOT NULL;
--   * created range filters
CREATE INDEX IF NOT EXISTS cases_created_idx ON cases (created_at);

-- Unmasked personal data, kept apart from the read model: only auditors read it, and each read is logged (O11).
CREATE TABLE IF NOT EXISTS case_personal_data (
  case_id     text PRIMARY KEY,
  customer    jsonb NOT NULL,
  address     jsonb,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Every API call, append-only: who (principal, role, key id), what (route, case), outcome, when, from where.
CREATE TABLE IF NOT EXISTS access_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  principal   text,
  role        text,
  key_id      text,
  method      text NOT NULL,
  route       text NOT NULL,
  case_id     text,
  status_code integer NOT NULL,
  outcome     text NOT NULL,
  source      text,
  detail      jsonb
);
CREATE INDEX IF NOT EXISTS access_log_at_idx ON access_log (at DESC, id DESC);
CREATE INDEX IF NOT EXISTS access_log_case_idx ON access_log (case_id, at DESC) WHERE case_id IS NOT NULL;

CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'access_log is append-only';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS access_log_no_change ON access_log;
CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
