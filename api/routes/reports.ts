// /v1/reports: the SOP's KPIs over a period from the PostgreSQL read model (SOP section 5, per rule; R4).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Pool } from 'pg';
import { deadlineOutcomes, refundReasonCounts, type RuleOutcome } from '../../store/reports';
import { toCsv } from '../../console/csv';
import { errorResponses as errors } from '../schemas/common';
import {
  deadlineReport,
  deadlineReportQuery,
  refundReasonQuery,
  refundReasonReport,
  SHIP_DELAY_TARGET,
  type DeadlineReport,
  type DeadlineReportQuery,
} from '../schemas/reports';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 7;
const READERS = ['support', 'finance', 'auditor'] as const;

/** [from, to) with the defaults: to = now, from = 7 days before to. */
export function periodOf(q: { from?: string; to?: string }, now = Date.now()): { from: string; to: string } {
  const to = q.to ? new Date(q.to) : new Date(now);
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  return { from: from.toISOString(), to: to.toISOString() };
}

export function shipDelay(rules: RuleOutcome[]): DeadlineReport['shipDelay'] {
  const o7 = rules.find((r) => r.rule === 'O7');
  const total = o7?.total ?? 0;
  const late = (o7?.metLate ?? 0) + (o7?.breached ?? 0);
  const rate = total ? late / total : null;
  return {
    rule: 'O7',
    total,
    late,
    rate,
    target: SHIP_DELAY_TARGET,
    onTarget: rate === null ? null : rate < SHIP_DELAY_TARGET,
  };
}

async function report(pool: Pool, q: DeadlineReportQuery): Promise<DeadlineReport> {
  const p = periodOf(q);
  const f = { ...p, department: q.department };
  const rules = await deadlineOutcomes(pool, f);
  return { ...p, department: q.department ?? null, rules, shipDelay: shipDelay(rules) };
}

export function reportRoutes(app: FastifyInstance, deps: { pool: Pool }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { pool } = deps;
  const tags = ['reports'];

  r.get(
    '/v1/reports/deadlines',
    {
      config: { roles: [...READERS] },
      schema: {
        tags,
        summary:
          'Deadlines due in [from, to) per SOP rule: met on time, late, breached, share met, median time to meet; the ship-delay rate (O7, < 5%)',
        querystring: deadlineReportQuery,
        response: { 200: deadlineReport, ...errors },
      },
    },
    async (req) => report(pool, req.query),
  );

  r.get(
    '/v1/reports/deadlines.csv',
    {
      config: { roles: [...READERS] },
      // the CSV on success; errors answer JSON like every route
      schema: {
        tags,
        summary: 'The deadline report as CSV, one row per rule',
        querystring: deadlineReportQuery,
        produces: ['text/csv', 'application/json'],
        response: { 200: z.string().describe('text/csv with a header row'), ...errors },
      },
    },
    async (req, reply) => {
      const rep = await report(pool, req.query);
      const rows = rep.rules.map((x) => ({ from: rep.from, to: rep.to, department: rep.department, ...x }));
      const csv = toCsv(
        [
          'from',
          'to',
          'department',
          'rule',
          'total',
          'met',
          'metLate',
          'breached',
          'pending',
          'shareMet',
          'medianMsToMeet',
          'pausedMs',
        ],
        rows,
      );
      return reply
        .header('content-disposition', 'attachment; filename="deadlines.csv"')
        .type('text/csv; charset=utf-8')
        .send(csv);
    },
  );

  r.get(
    '/v1/reports/refund-reasons',
    {
      config: { roles: [...READERS] },
      schema: {
        tags,
        summary:
          'Refund requests filed in [from, to) by reason code, with the order-level refunds (O4 rejection, O10 loss, complaint refunds) by theirs (R4)',
        querystring: refundReasonQuery,
        response: { 200: refundReasonReport, ...errors },
      },
    },
    async (req) => {
      const p = periodOf(req.query);
      const reasons = await refundReasonCounts(pool, p.from, p.to);
      return { ...p, total: reasons.reduce((n, x) => n + x.count, 0), reasons };
    },
  );
}
