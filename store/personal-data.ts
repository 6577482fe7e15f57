// Unmasked personal data, apart from the read model: written when a case starts, read by auditors only.
import type { Pool } from 'pg';

type PersonalData = { customer: unknown; address?: unknown };
const values = (caseId: string, data: PersonalData, token: string | null) => [
  caseId,
  JSON.stringify(data.customer),
  data.address === undefined ? null : JSON.stringify(data.address),
  token,
];

/** The first write wins (true when this one did). `token` names the start request writing it. */
export async function savePersonalData(
  pool: Pool,
  caseId: string,
  data: PersonalData,
  token: string | null = null,
): Promise<boolean> {
  const res = await pool.query(
    `INSERT INTO case_personal_data (case_id, customer, address, start_token) VALUES ($1, $2, $3, $4)
     ON CONFLICT (case_id) DO NOTHING`,
    values(caseId, data, token),
  );
  return res.rowCount === 1;
}

/** The case is this request's: its data replaces a row another start request wrote first. */
export async function claimPersonalData(pool: Pool, caseId: string, data: PersonalData, token: string): Promise<void> {
  await pool.query(
    `INSERT INTO case_personal_data (case_id, customer, address, start_token) VALUES ($1, $2, $3, $4)
     ON CONFLICT (case_id) DO UPDATE SET customer = excluded.customer, address = excluded.address,
       start_token = excluded.start_token
     WHERE case_personal_data.start_token IS DISTINCT FROM excluded.start_token`,
    values(caseId, data, token),
  );
}

/** The case is not this request's: remove what it wrote, and nothing else. */
export async function dropPersonalData(pool: Pool, caseId: string, token: string): Promise<void> {
  await pool.query('DELETE FROM case_personal_data WHERE case_id = $1 AND start_token = $2', [caseId, token]);
}

export async function loadPersonalData(
  pool: Pool,
  caseId: string,
): Promise<{ customer: unknown; address: unknown } | undefined> {
  const { rows } = await pool.query('SELECT customer, address FROM case_personal_data WHERE case_id = $1', [caseId]);
  return rows[0];
}
