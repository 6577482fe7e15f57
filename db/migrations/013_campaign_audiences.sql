-- M3/M6: a campaign's audience, stored when the plan is submitted and read by the send activity in
-- batches, so no workflow payload or continue-as-new input carries it. Phone numbers are personal
-- data (O11): only the send activity reads them; the case shows the size.
CREATE TABLE IF NOT EXISTS campaign_audiences (
  audience_id text NOT NULL,                     -- "<campaignId>:<hash of the list>": one list, stored once
  position    integer NOT NULL,                  -- 1-based order of the list: the batch cursor
  customer_id text NOT NULL,
  phone       text NOT NULL,
  PRIMARY KEY (audience_id, position),
  UNIQUE (audience_id, customer_id)
);
