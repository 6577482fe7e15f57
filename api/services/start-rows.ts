// The rows a case start writes beside its workflow (see startOnce): personal data, an order's funds.
import type { Pool } from 'pg';
import { claimOrderFunds, dropOrderFunds, saveOrderFunds, type OrderFunds } from '../../store/order-money';
import { claimPersonalData, dropPersonalData, savePersonalData } from '../../store/personal-data';
import type { StartRows } from './temporal';

export function personalDataRows(
  pool: Pool,
  caseId: string,
  data: { customer: unknown; address?: unknown },
): StartRows {
  return {
    save: (token) => savePersonalData(pool, caseId, data, token),
    claim: (token) => claimPersonalData(pool, caseId, data, token),
    undo: (token) => dropPersonalData(pool, caseId, token),
  };
}

export function orderFundsRows(pool: Pool, funds: OrderFunds): StartRows {
  return {
    save: (token) => saveOrderFunds(pool, { ...funds, startToken: token }),
    claim: (token) => claimOrderFunds(pool, { ...funds, startToken: token }),
    undo: (token) => dropOrderFunds(pool, funds.orderId, token),
  };
}

/** Several at once; each call waits for every part, so an undo never runs before a write lands. */
export function allRows(...parts: StartRows[]): StartRows {
  const each = async <T>(call: (p: StartRows) => Promise<T>): Promise<T[]> => {
    const settled = await Promise.allSettled(parts.map(call));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
  };
  return {
    save: async (token) => (await each((p) => p.save(token))).every(Boolean),
    claim: async (token) => void (await each((p) => p.claim(token))),
    undo: async (token) => void (await each((p) => p.undo(token))),
  };
}
