import { randomInt, randomUUID } from 'node:crypto';

// Random, not counters: the API keeps webhook eventIds across simulator restarts,
// so a restarted simulator must not reuse a shipmentId.
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

export function newTrackingNumber(): string {
  return `SIM${String(randomInt(0, 1e10)).padStart(10, '0')}`;
}
