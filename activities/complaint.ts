// The complaint's own activity: C5 keeps every closed round's cause.
import type { Pool } from 'pg';
import { recordComplaintCause, type ComplaintCause } from '../store/complaints';

export function complaintActivities({ pool }: { pool: Pool }) {
  return {
    async recordComplaintCause(input: ComplaintCause): Promise<void> {
      await recordComplaintCause(pool, input);
    },
  };
}

export type ComplaintActivities = ReturnType<typeof complaintActivities>;
