-- Refund claims reserve an amount against an order when a request arrives, so two requests can
-- never together refund more than was paid; money_movements records every payment made (R4, R5).
CREATE TABLE IF NOT EXISTS refund_claims (
  refund_id   text PRIMARY KEY,
  order_id    text NOT NULL,
  amount_fen  bigint NOT NULL CHECK (amount_fen > 0),
  currency    text NOT NULL,
  reason_code text NOT NULL,
  kind        text NOT NULL,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'rejected', 'closed')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS refund_claims_order_idx ON refund_claims (order_id);

CREATE TABLE IF NOT EXISTS money_movements (
  id              bigserial PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,   -- the gateway call's key: one movement per key, ever
  workflow_id     text NOT NULL,
  order_id        text,
  refund_id       text,
  kind            text NOT NULL CHECK (kind IN ('refund', 'coupon')),
  amount_fen      bigint NOT NULL,
  currency        text NOT NULL,
  external_id     text,
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS money_movements_order_idx ON money_movements (order_id);
