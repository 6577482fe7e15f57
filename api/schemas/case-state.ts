import { z } from 'zod';

/** One SOP deadline as every state query reports it. */
export const deadlineSchema = z.object({
  key: z.string(),
  rule: z.string().describe('SOP rule id'),
  label: z.string(),
  dueAt: z.string(),
  status: z.enum(['pending', 'met', 'breached', 'met_late', 'cancelled']),
  metAt: z.string().optional(),
  breachedAt: z.string().optional(),
});

export const pendingActionSchema = z.object({ action: z.string(), role: z.string(), description: z.string() });
