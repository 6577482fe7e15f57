-- Campaigns (M4 metric series) and promotional messaging (M6 cap, unsubscribes, log; M7 history).

-- M4: cumulative metrics pulled from the analytics system while a campaign runs; one row per sample.
CREATE TABLE IF NOT EXISTS campaign_metrics (
  campaign_id         text NOT NULL,
  seq                 integer NOT NULL,          -- sample number within the campaign (survives continue-as-new)
  sampled_at          timestamptz NOT NULL,      -- workflow time of the sample
  phase               text,
  impressions         bigint NOT NULL,
  clicks              bigint NOT NULL,
  conversions         bigint NOT NULL,
  gmv_fen             bigint NOT NULL,
  new_customers       bigint NOT NULL,
  followers_gained    bigint NOT NULL,
  spend_promotion_fen bigint NOT NULL,
  spend_subsidy_fen   bigint NOT NULL,
  spend_materials_fen bigint NOT NULL,
  spend_reserve_fen   bigint NOT NULL,
  recorded_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, seq)                 -- a retried sample is stored once
);

-- M7: what the shop knows about a customer's purchases (fed by the order and refund processes
-- through POST /v1/messaging/customer-activity or the recordCustomerActivity activity).
CREATE TABLE IF NOT EXISTS customer_activity (
  customer_id      text PRIMARY KEY,
  last_purchase_at timestamptz,
  has_refund       boolean NOT NULL DEFAULT false,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- M6: opt-outs from the messaging gateway's callback. Kept forever: an unsubscribed customer gets nothing.
CREATE TABLE IF NOT EXISTS message_unsubscribes (
  customer_id     text PRIMARY KEY,
  unsubscribed_at timestamptz NOT NULL,
  source          text NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);

-- M6: promotional messages per customer per calendar month (shop time zone, 'YYYY-MM').
-- Incremented only by a conditional upsert (count < cap), so concurrent senders cannot exceed the cap.
CREATE TABLE IF NOT EXISTS message_monthly_counts (
  customer_id text NOT NULL,
  month       text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
  sent        integer NOT NULL CHECK (sent >= 0),
  PRIMARY KEY (customer_id, month)
);

-- M6/M7: every promotional send or skip, with its reason. One row per idempotency key, so a retried
-- activity finds its earlier decision instead of counting the message twice.
CREATE TABLE IF NOT EXISTS message_log (
  id                bigserial PRIMARY KEY,
  idempotency_key   text NOT NULL UNIQUE,
  ref               text NOT NULL,               -- business reference, e.g. the campaign id
  workflow_id       text,
  customer_id       text NOT NULL,
  phone_masked      text,                        -- O11
  audience          text NOT NULL,
  template          text NOT NULL,
  month             text NOT NULL,
  status            text NOT NULL CHECK (status IN ('sending', 'sent', 'skipped')),
  reason            text,                        -- why skipped (unsubscribed, monthly_cap, recent_purchase, refunded_order, rejected_by_gateway)
  month_count       integer,                     -- the n-th promotional message of the month when sent
  unsubscribe_token text UNIQUE,
  text              text,                        -- the text as sent, unsubscribe link included
  message_id        text,
  requested_at      timestamptz NOT NULL,        -- workflow time of the request
  decided_at        timestamptz NOT NULL DEFAULT now(),
  sent_at           timestamptz
);
CREATE INDEX IF NOT EXISTS message_log_customer_idx ON message_log (customer_id, id);
CREATE INDEX IF NOT EXISTS message_log_ref_idx ON message_log (ref, id);
