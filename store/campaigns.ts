// PostgreSQL repository for campaign metric series (M4) read back for live views and the report (M5),
// and for campaign audiences, stored at plan time and read in batches by the send activity.
import type { Pool } from 'pg';
import type { AudienceMember, CampaignMetrics } from '../domain/campaign';
import { withTransaction } from './transaction';

export interface MetricsSample extends CampaignMetrics {
  seq: number;
  at: string;
  phase: string | null;
}

const COLUMNS = `seq, sampled_at, phase, impressions, clicks, conversions, gmv_fen, new_customers, followers_gained,
  spend_promotion_fen, spend_subsidy_fen, spend_materials_fen, spend_reserve_fen`;

function toSample(r: Record<string, unknown>): MetricsSample {
  const n = (k: string) => Number(r[k]);
  return {
    seq: n('seq'),
    at: new Date(r.sampled_at as Date).toISOString(),
    phase: (r.phase as string | null) ?? null,
    impressions: n('impressions'),
    clicks: n('clicks'),
    conversions: n('conversions'),
    gmv: n('gmv_fen'),
    newCustomers: n('new_customers'),
    followersGained: n('followers_gained'),
    spend: {
      promotion: n('spend_promotion_fen'),
      subsidy: n('spend_subsidy_fen'),
      materials: n('spend_materials_fen'),
      reserve: n('spend_reserve_fen'),
    },
  };
}

/** Stores sample `seq` once; a retry returns the sample stored first, so the workflow sees one truth. */
export async function storeSample(pool: Pool, campaignId: string, s: MetricsSample): Promise<MetricsSample> {
  await pool.query(
    `INSERT INTO campaign_metrics (campaign_id, ${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
     ON CONFLICT (campaign_id, seq) DO NOTHING`,
    [
      campaignId,
      s.seq,
      s.at,
      s.phase,
      s.impressions,
      s.clicks,
      s.conversions,
      s.gmv,
      s.newCustomers,
      s.followersGained,
      s.spend.promotion,
      s.spend.subsidy,
      s.spend.materials,
      s.spend.reserve,
    ],
  );
  const { rows } = await pool.query(`SELECT ${COLUMNS} FROM campaign_metrics WHERE campaign_id = $1 AND seq = $2`, [
    campaignId,
    s.seq,
  ]);
  return toSample(rows[0]);
}

/** The most recent samples, oldest first. */
export async function recentSamples(pool: Pool, campaignId: string, limit = 100): Promise<MetricsSample[]> {
  const { rows } = await pool.query(
    `SELECT * FROM (SELECT ${COLUMNS} FROM campaign_metrics WHERE campaign_id = $1 ORDER BY seq DESC LIMIT $2) last ORDER BY seq`,
    [campaignId, limit],
  );
  return rows.map(toSample);
}

export async function sampleCount(pool: Pool, campaignId: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM campaign_metrics WHERE campaign_id = $1',
    [campaignId],
  );
  return Number(rows[0].n);
}

/**
 * Stores an audience once under its id (a repeat is a no-op); rows go in slices to keep each statement
 * small, in one transaction so no reader sees half an audience.
 */
export function storeAudience(pool: Pool, audienceId: string, customers: AudienceMember[]): Promise<void> {
  const SLICE = 5_000;
  return withTransaction(pool, async (db) => {
    for (let at = 0; at < customers.length; at += SLICE) {
      const slice = customers.slice(at, at + SLICE);
      await db.query(
        `INSERT INTO campaign_audiences (audience_id, position, customer_id, phone)
       SELECT $1, p, c, ph FROM unnest($2::int[], $3::text[], $4::text[]) AS t(p, c, ph)
       ON CONFLICT DO NOTHING`,
        [audienceId, slice.map((_, i) => at + i + 1), slice.map((c) => c.id), slice.map((c) => c.phone)],
      );
    }
  });
}

/** The members after position `after`, in list order; `next` is the cursor for the following batch (null at the end). */
export async function audienceBatch(
  pool: Pool,
  audienceId: string,
  after: number,
  limit: number,
): Promise<{ members: AudienceMember[]; next: number | null }> {
  const { rows } = await pool.query<{ position: number; customer_id: string; phone: string }>(
    'SELECT position, customer_id, phone FROM campaign_audiences WHERE audience_id = $1 AND position > $2 ORDER BY position LIMIT $3',
    [audienceId, after, limit],
  );
  const members = rows.map((r) => ({ id: r.customer_id, phone: r.phone }));
  return { members, next: rows.length === limit ? rows[rows.length - 1].position : null };
}

export async function audienceSize(pool: Pool, audienceId: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM campaign_audiences WHERE audience_id = $1',
    [audienceId],
  );
  return Number(rows[0].n);
}
