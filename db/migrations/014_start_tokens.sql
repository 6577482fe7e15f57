-- Issue 13: the API writes a case's personal data and an order's funds in parallel with
-- workflow.start. Each row names the start request that wrote it, so a request that did not
-- get the case (another body won, or the start failed) removes only its own rows.
ALTER TABLE case_personal_data ADD COLUMN IF NOT EXISTS start_token text;
ALTER TABLE order_funds ADD COLUMN IF NOT EXISTS start_token text;
