// Zero duplicated side effects: a once-only effect of this run's cases recorded twice in the simulator's ledger.

/** Effects that happen at most once per business reference (an order, refund or complaint). */
const ONCE_PER_REF = new Set([
  'stock.deducted',
  'stock.backordered',
  'stock.released',
  'wms.shipment_requested',
  'wms.shipment_cancelled',
  'carrier.subscribed',
  'platform.tracking_uploaded',
  'coupon.issued',
  'payment.refund_accepted',
]);
/** Money moves once per payout key (a retry after a decline is a new key). */
const ONCE_PER_KEY = new Set(['payment.refunded']);

interface Entry {
  action: string;
  ref: string | null;
  idempotencyKey: string;
}

export interface LedgerCheck {
  entries: number;
  checked: number;
  duplicates: { action: string; key: string; count: number }[];
}

export async function checkLedger(simulator: string, adminKey: string, prefix: string): Promise<LedgerCheck> {
  const res = await fetch(`${simulator}/sim/ledger`, { headers: { authorization: `Bearer ${adminKey}` } });
  if (!res.ok) throw new Error(`GET /sim/ledger answered ${res.status}`);
  const { entries } = (await res.json()) as { entries: Entry[] };
  const ours = entries.filter((e) => e.ref?.startsWith(prefix));
  const counts = new Map<string, { action: string; key: string; count: number }>();
  let checked = 0;
  for (const e of ours) {
    const key = ONCE_PER_KEY.has(e.action) ? e.idempotencyKey : ONCE_PER_REF.has(e.action) ? e.ref! : undefined;
    if (key === undefined) continue;
    checked++;
    const id = `${e.action} ${key}`;
    const c = counts.get(id) ?? { action: e.action, key, count: 0 };
    c.count++;
    counts.set(id, c);
  }
  return { entries: ours.length, checked, duplicates: [...counts.values()].filter((c) => c.count > 1) };
}
