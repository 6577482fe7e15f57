// Unmasked personal data, apart from the read model: written when a case starts, read by auditors only.
import type { Pool } from 'pg';

export async function savePersonalData(
  pool: Pool,
  caseId: string,
  data: { customer: unknown; address?: unknown },
): Promise<void> {
  await pool.query(
    'INSERT INTO case_personal_data (case_id, customer, address) VALUES ($1, $2, $3) ON CONFLICT (case_id) DO NOTHING',
    [caseId, JSON.stringify(data.customer), data.address === undefined ? null : JSON.stringify(data.address)],
  );
}

export async function loadPersonalData(
  pool: Pool,
  caseId: string,
): Promise<{ customer: unknown; address: unknown } | undefined> {
  const { rows } = await pool.query('SELECT customer, address FROM case_personal_data WHERE case_id = $1', [caseId]);
  return rows[0];
}
