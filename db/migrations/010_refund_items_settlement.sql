-- R4: returned goods are checked against what the order bought (its lines) and what earlier
-- refunds of it already take back (their items).
ALTER TABLE order_funds ADD COLUMN IF NOT EXISTS lines jsonb;
ALTER TABLE refund_claims ADD COLUMN IF NOT EXISTS items jsonb;

-- R2: the gateway took the payout but has not confirmed it reached the buyer (processing); it is
-- committed against the order like a reservation until the confirmation settles it as paid or
-- declines it.
ALTER TABLE payouts DROP CONSTRAINT IF EXISTS payouts_status_check;
ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('reserved', 'processing', 'paid', 'declined'));
DROP INDEX IF EXISTS payouts_one_paid_idx;
CREATE UNIQUE INDEX IF NOT EXISTS payouts_one_live_idx ON payouts (payout_id) WHERE status IN ('processing', 'paid');
