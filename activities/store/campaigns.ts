// PostgreSQL repository for campaign metric series (M4) read back for live views and the report (M5).
import type { Pool } from 'pg';
import type { CampaignMetrics } from '../../domain/campaign';

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
    spend: { promotion: n('spend_promotion_fen'), subsidy: n('spend_subsidy_fen'), materials: n('spend_materials_fen'), reserve: n('spend_reserve_fen') },
  };
}

/** Stores sample `seq` once; a retry returns the sample stored first, so the workflow sees one truth. */
export async function storeSample(pool: Pool, campaignId: string, s: MetricsSample): Promise<MetricsSample> {
  await pool.query(
    `INSERT INTO campaign_metrics (campaign_id, ${COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
     ON CONFLICT (campaign_id, seq) DO NOTHING`,
    [campaignId, s.seq, s.at, s.phase, s.impressions, s.clicks, s.conversions, s.gmv, s.newCustomers, s.followersGained,
      s.spend.promotion, s.spend.subsidy, s.spend.materials, s.spend.reserve],
  );
  const { rows } = await pool.query(`SELECT ${COLUMNS} FROM campaign_metrics WHERE campaign_id = $1 AND seq = $2`, [campaignId, s.seq]);
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
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM campaign_metrics WHERE campaign_id = $1', [campaignId]);
  return Number(rows[0].n);
}
