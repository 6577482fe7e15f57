-- One money authority per order (R5 across processes): what the order paid, and every payout
-- against it (refund requests, O4 rejection, O10 loss, complaint compensation), each attempt
-- with its own gateway key. A payout reserves under a per-order lock, pays, then settles, so
-- sum(reserved + paid) <= paid holds whatever crashes, retries or duplicates happen.
CREATE TABLE IF NOT EXISTS order_funds (
  order_id    text PRIMARY KEY,
  paid_fen    bigint NOT NULL CHECK (paid_fen >= 0),
  currency    text NOT NULL,
  source      text NOT NULL CHECK (source IN ('order', 'import')),  -- our order workflow, or a paid amount imported for an order from before the system
  workflow_id text,
  paid_at     timestamptz,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS payouts (
  attempt_key  text PRIMARY KEY,            -- the gateway idempotency key of this attempt
  payout_id    text NOT NULL,               -- workflow id + step: attempts of one payout share it
  attempt      integer NOT NULL,
  order_id     text NOT NULL REFERENCES order_funds (order_id),
  case_id      text NOT NULL,               -- the workflow that pays
  source       text NOT NULL CHECK (source IN ('refund', 'order_rejected', 'logistics', 'complaint')),
  reason_code  text NOT NULL,               -- R4: why the money went back
  amount_fen   bigint NOT NULL CHECK (amount_fen > 0),
  currency     text NOT NULL,
  status       text NOT NULL CHECK (status IN ('reserved', 'paid', 'declined')),
  external_id  text,
  detail       text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  settled_at   timestamptz
);
CREATE INDEX IF NOT EXISTS payouts_order_idx ON payouts (order_id);
CREATE UNIQUE INDEX IF NOT EXISTS payouts_one_paid_idx ON payouts (payout_id) WHERE status = 'paid';

-- A claim filed through the API counts against the order once its workflow started (confirmed);
-- an unconfirmed one (the API died between reserving and starting) stops counting after a while.
ALTER TABLE refund_claims ADD COLUMN IF NOT EXISTS confirmed boolean NOT NULL DEFAULT true;

-- R4: why money went back, over every path that pays (complaint refunds count as complaint_<category>).
CREATE OR REPLACE VIEW refund_reasons AS
  SELECT reason_code, source, currency, count(*) AS payouts, sum(amount_fen) AS amount_fen
    FROM payouts WHERE status = 'paid' GROUP BY reason_code, source, currency;
