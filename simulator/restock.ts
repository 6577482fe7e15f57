// With auto-progress on, the warehouse reports stock for a backordered order a few steps later
// (O5: a presale order waits for `stock_arrived` before the O6 clocks start), so `npm start` flows on.
import type { SimulatorState } from './state';
import { reportOrderEvent } from './progress';

const RESTOCK_STEPS = 3;

export function reportRestockLater(state: SimulatorState, orderId: string): void {
  const signal = state.timers.signal;
  const run = async (): Promise<void> => {
    await state.timers.sleep(state.config.stepDelayMs * RESTOCK_STEPS);
    if (signal.aborted || !state.config.autoProgress) return;
    await reportOrderEvent(
      state,
      orderId,
      'warehouse-events',
      { eventId: `restock:${orderId}`, type: 'stock_arrived', at: new Date().toISOString() },
      signal,
    );
  };
  run().catch((err: unknown) => state.log.error({ err, orderId }, 'simulator restock report failed'));
}
