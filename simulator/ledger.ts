// The ledger is the proof of side effects: exactly one entry per effect, whatever the retries.
export type System =
  'inventory' | 'payment' | 'wms' | 'carrier' | 'platform' | 'messaging' | 'analytics' | 'catalog' | 'ads';

export interface LedgerEntry {
  seq: number;
  at: string;
  system: System;
  action: string;
  idempotencyKey: string;
  /** Business reference (orderId / refundId) from the request body. */
  ref: string | null;
  payload: unknown;
}

export interface LedgerFilter {
  system?: string;
  action?: string;
  ref?: string;
  idempotencyKey?: string;
}

export class Ledger {
  private items: LedgerEntry[] = [];
  private nextSeq = 1;
  /** Repeat calls answered from a stored response (no new effect). */
  duplicates = 0;

  record(entry: Omit<LedgerEntry, 'seq' | 'at'>): LedgerEntry {
    const full: LedgerEntry = { seq: this.nextSeq++, at: new Date().toISOString(), ...entry };
    this.items.push(full);
    return full;
  }

  entries(filter: LedgerFilter = {}): LedgerEntry[] {
    return this.items.filter(
      (e) =>
        (filter.system === undefined || e.system === filter.system) &&
        (filter.action === undefined || e.action === filter.action) &&
        (filter.ref === undefined || e.ref === filter.ref) &&
        (filter.idempotencyKey === undefined || e.idempotencyKey === filter.idempotencyKey),
    );
  }

  clear(): void {
    this.items = [];
    this.nextSeq = 1;
    this.duplicates = 0;
  }
}
