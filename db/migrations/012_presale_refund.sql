-- O5: a buyer whose order became presale may take a full refund instead; the order pays it through
-- the same money authority, under its own source so reconciliation tells it apart.
ALTER TABLE payouts DROP CONSTRAINT IF EXISTS payouts_source_check;
ALTER TABLE payouts ADD CONSTRAINT payouts_source_check CHECK (source IN ('refund', 'order_rejected', 'logistics', 'complaint', 'presale'));
