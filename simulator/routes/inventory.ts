// Inventory: check (read-only), deduct (all or nothing, or backorder), release.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mutation, readOnly } from '../handler';
import { itemsSchema, nonEmpty, type Items } from '../schemas';
import type { SimulatorState } from '../state';
import { reportRestockLater } from '../restock';

const checkSchema = z.object({ orderId: nonEmpty, items: itemsSchema });
const deductSchema = z.object({ orderId: nonEmpty, items: itemsSchema, allowBackorder: z.boolean().optional() });
const releaseSchema = z.object({ orderId: nonEmpty, items: itemsSchema });

/** One line per sku: an order listing a sku twice must need the sum, not each line alone. */
function linesFor(items: Items, state: SimulatorState): { sku: string; requested: number; available: number }[] {
  const totals = new Map<string, number>();
  for (const i of items) totals.set(i.sku, (totals.get(i.sku) ?? 0) + i.quantity);
  return [...totals].map(([sku, requested]) => ({ sku, requested, available: state.stock.get(sku) }));
}

export function registerInventoryRoutes(app: FastifyInstance, state: SimulatorState): void {
  readOnly(app, state, {
    path: '/inventory/check',
    routeName: 'inventory.check',
    schema: checkSchema,
    read: (input) => {
      const lines = linesFor(input.items, state);
      return { body: { available: lines.every((l) => l.requested <= l.available), lines } };
    },
  });

  mutation(app, state, {
    path: '/inventory/deductions',
    routeName: 'inventory.deduct',
    system: 'inventory',
    schema: deductSchema,
    work: (input) => {
      const lines = linesFor(input.items, state);
      const short = lines.some((l) => l.requested > l.available);
      // Short without backorder: no change, no ledger, not stored (a retry is re-evaluated).
      if (short && !input.allowBackorder) return { body: { status: 'short', lines } };
      const result = lines.map((l) => {
        const deducted = Math.min(l.requested, l.available);
        state.stock.set(l.sku, l.available - deducted);
        return { ...l, deducted, backordered: l.requested - deducted };
      });
      const status = short ? 'backordered' : 'deducted';
      if (short && state.config.autoProgress) reportRestockLater(state, input.orderId);
      return { body: { status, lines: result }, record: { action: `stock.${status}` } };
    },
  });

  mutation(app, state, {
    path: '/inventory/releases',
    routeName: 'inventory.release',
    system: 'inventory',
    schema: releaseSchema,
    work: (input) => {
      for (const l of linesFor(input.items, state)) state.stock.set(l.sku, l.available + l.requested);
      return { body: { status: 'released' }, record: { action: 'stock.released' } };
    },
  });
}
