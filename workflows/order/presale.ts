// O5: a presale order waits for its goods before the warehouse clocks (O6) start. A buyer whose
// order became presale because stock was short may answer wait, exchange or refund within the
// answer window; silence means wait, as the notice said.
import { decisionOf } from '../../domain/case';
import { condition, setHandler } from '@temporalio/workflow';
import { orderTotalFen, type OrderItem } from '../../domain/order';
import { nowIso, SYSTEM } from '../common/kit';
import { presaleChoiceUpdate } from './messages';
import type { OrderState, PresaleChoiceInput } from './types';

type Record = (actor: string, action: string, detail?: { [k: string]: unknown }, rule?: string) => Promise<void>;

export interface PresaleWait {
  s: OrderState;
  record: Record;
  stopped: () => boolean;
  /** swap the goods awaited for the replacement lines; 'deducted' when they are in stock */
  exchange: (items: OrderItem[]) => Promise<'deducted' | 'backordered'>;
}

/** Why a presale answer cannot be taken now, or undefined when it can. */
export function presaleChoiceRefusal(s: OrderState, c: PresaleChoiceInput, now: string): string | undefined {
  if (s.stage !== 'awaiting_stock' || s.presale?.reason !== 'stock_short')
    return `order ${s.orderId} is not waiting for a presale answer (stage: ${s.stage})`;
  if (s.presale.choice) return `order ${s.orderId} already has the answer "${s.presale.choice.choice}"`;
  if (s.presale.answerWindowClosed || (s.presale.answerBy && now >= s.presale.answerBy))
    return `the answer window of order ${s.orderId} closed at ${s.presale.answerBy}; the order waits for stock`;
  if (!c.by?.trim()) return 'by is required';
  if (c.choice === 'exchange' && !c.items?.length) return 'an exchange needs the replacement items';
  if (c.choice === 'exchange' && orderTotalFen(c.items!) !== s.amount.total)
    return `an exchange must keep the paid total of ${s.amount.total} fen`;
  if (c.choice !== 'exchange' && c.items?.length) return 'items are only for an exchange';
  return undefined;
}

export function handlePresaleChoice(s: OrderState, view: () => OrderState): void {
  setHandler(
    presaleChoiceUpdate,
    (c) => {
      const at = nowIso();
      s.presale!.choice = { choice: c.choice, by: c.by, at, ...(c.items ? { items: c.items } : {}) };
      s.decisions.push(decisionOf('presale_choice', c.choice, c.by, undefined, at));
      return view();
    },
    {
      validator: (c) => {
        const refusal = presaleChoiceRefusal(s, c, nowIso());
        if (refusal) throw new Error(refusal);
      },
    },
  );
}

/**
 * Waits for the goods (a `stock_arrived` warehouse event), or for the buyer's refund. Returns
 * 'refund' when the buyer chose it, 'ready' once the goods are in (or the order was stopped).
 */
export async function awaitStock(w: PresaleWait, answerMs: number | undefined): Promise<'ready' | 'refund'> {
  const { s, record } = w;
  const presale = s.presale!;
  const arrived = () => !!presale.stockArrivedAt || w.stopped();
  s.stage = 'awaiting_stock';
  if (answerMs !== undefined) presale.answerBy = new Date(Date.now() + answerMs).toISOString();
  await record(
    SYSTEM,
    'awaiting_stock',
    { promisedShipBy: presale.promisedShipBy, answerBy: presale.answerBy ?? null },
    'O5',
  );
  if (answerMs !== undefined) {
    const answered = await condition(() => !!presale.choice || arrived(), answerMs);
    if (!answered) {
      presale.answerWindowClosed = true;
      await record(SYSTEM, 'presale_answer_defaulted', { choice: 'wait' }, 'O5');
    } else if (presale.choice) {
      const { choice, by, items } = presale.choice;
      await record(
        by,
        `presale_choice_${choice}`,
        items ? { items: items.map((i) => ({ sku: i.sku, quantity: i.quantity })) } : {},
        'O5',
      );
      if (choice === 'refund') return 'refund';
      if (choice === 'exchange' && (await w.exchange(items!)) === 'deducted') presale.stockArrivedAt ??= nowIso();
    }
  }
  await condition(arrived);
  if (!w.stopped()) await record(SYSTEM, 'cleared_to_ship', { stockArrivedAt: presale.stockArrivedAt }, 'O5');
  return 'ready';
}
