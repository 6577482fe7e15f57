// The shared request pipeline: idempotency key, validation, faults, ledger, stored responses.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { RouteName } from './config';
import {
  failsAfterWork,
  failsBeforeWork,
  INJECTED_FAILURE,
  INJECTED_FAILURE_AFTER_WORK,
  INJECTED_REFUSAL,
  refusalFor,
} from './faults';
import type { System } from './ledger';
import type { SimulatorState } from './state';

export interface Outcome {
  status?: number;
  body: unknown;
  /**
   * Present when the call had an effect: one ledger entry, and the response is stored for the key.
   * Absent for refusals (short stock, declined refund): nothing happened, so a retry is re-evaluated
   * (on strictKeys routes the refusal is stored for its key all the same).
   */
  record?: { action: string; payload?: unknown };
}

export interface MutationSpec<T> {
  path: string;
  routeName: RouteName;
  system: System;
  schema: z.ZodType<T>;
  work(input: T, state: SimulatorState): Outcome;
  /**
   * As payment providers do (WeChat Pay out_refund_no, Alipay out_request_no, Stripe): every
   * outcome is stored per key, refusals included, and a key reused with another body is refused.
   */
  strictKeys?: boolean;
}

export function badRequest(reply: FastifyReply, error: z.ZodError | string): FastifyReply {
  if (typeof error === 'string') return reply.code(400).send({ error });
  return reply
    .code(400)
    .send({ error: 'invalid body', issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
}

function refOf(input: unknown): string | null {
  const o = input as { ref?: unknown; orderId?: unknown };
  if (typeof o.ref === 'string') return o.ref;
  if (typeof o.orderId === 'string') return o.orderId;
  return null;
}

export function mutation<T>(app: FastifyInstance, state: SimulatorState, spec: MutationSpec<T>): void {
  app.post(spec.path, async (req, reply) => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !key.trim()) return badRequest(reply, 'Idempotency-Key header required');
    const parsed = spec.schema.safeParse(req.body);
    if (!parsed.success) return badRequest(reply, parsed.error);

    if (await failsBeforeWork(state, spec.routeName)) return reply.code(503).send(INJECTED_FAILURE);
    const refusal = refusalFor(state, spec.routeName);
    if (refusal) return reply.code(refusal).send(INJECTED_REFUSAL);

    // From here to the store there is no await, so two concurrent calls with one key cannot both do the work.
    const storeKey = `${spec.routeName} ${key}`;
    const stored = state.responses.get(storeKey);
    const bodyHash = spec.strictKeys ? JSON.stringify(parsed.data) : undefined;
    if (stored) {
      if (spec.strictKeys && stored.bodyHash !== bodyHash) {
        return reply.code(422).send({
          error: 'idempotency_key_reused',
          message: 'this Idempotency-Key was used with a different request body',
        });
      }
      state.ledger.duplicates++;
      return reply.code(stored.status).header('idempotent-replayed', 'true').send(stored.body);
    }
    const out = spec.work(parsed.data, state);
    const status = out.status ?? 200;
    if (!out.record && spec.strictKeys) state.responses.set(storeKey, { status, body: out.body, bodyHash });
    if (out.record) {
      state.ledger.record({
        system: spec.system,
        action: out.record.action,
        idempotencyKey: key,
        ref: refOf(parsed.data),
        payload: out.record.payload ?? parsed.data,
      });
      state.responses.set(storeKey, { status, body: out.body, bodyHash });
    }

    if (await failsAfterWork(state, spec.routeName)) return reply.code(500).send(INJECTED_FAILURE_AFTER_WORK);
    return reply.code(status).send(out.body);
  });
}

export interface ReadSpec<T> {
  path: string;
  routeName: RouteName;
  schema: z.ZodType<T>;
  read(input: T, state: SimulatorState): { status?: number; body: unknown };
}

/** Read-only routes: no key, no ledger, but the same fault knobs. */
export function readOnly<T>(app: FastifyInstance, state: SimulatorState, spec: ReadSpec<T>): void {
  app.post(spec.path, async (req, reply) => {
    const parsed = spec.schema.safeParse(req.body);
    if (!parsed.success) return badRequest(reply, parsed.error);
    if (await failsBeforeWork(state, spec.routeName)) return reply.code(503).send(INJECTED_FAILURE);
    const out = spec.read(parsed.data, state);
    if (await failsAfterWork(state, spec.routeName)) return reply.code(500).send(INJECTED_FAILURE_AFTER_WORK);
    return reply.code(out.status ?? 200).send(out.body);
  });
}
