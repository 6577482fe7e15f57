// The API under test, wired to a workflow kit's real Temporal client, worker and PostgreSQL.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { DEV_API_KEYS, keyNamed } from '../../config';
import { SYSTEM_ROLES } from '../../domain/roles';
import { DEFAULT_POLICY } from '../../domain/policy';
import type { WorkflowKit } from './workflow-kit';

/** The dev keys plus, for tests that are not about who may call what, one key holding every system role. */
export const TEST_API_KEYS = `${DEV_API_KEYS},test-systems-key-local:${SYSTEM_ROLES.join('+')}:test-systems`;
const named = (name: string) => keyNamed(TEST_API_KEYS, name)!;
export const KEYS = {
  service: named('test-systems'),
  orders: named('order-service'),
  warehouse: named('warehouse-system'),
  carrier: named('carrier-system'),
  crm: named('crm-system'),
  messaging: named('messaging-gateway'),
  support: named('support-lead'),
  marketing: named('head-of-marketing'),
  finance: named('finance-lead'),
  finance2: named('finance-controller'),
  auditor: named('auditor'),
} as const;
export const auth = (role: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[role]}` });

/** The time-skipping server's clock runs ahead of the wall clock by however long tests skipped:
 * "now" on that clock must not count as the future. tests/api/bad-input.test.ts checks the real limit. */
const AHEAD_OF_WALL_CLOCK_MS = 365 * 86_400_000;

/** Tests fire requests far faster than any client should, on a busy machine: rate limits and load
 * shedding that never trip (tests/api/traffic-api.test.ts checks them). */
export const UNLIMITED_TRAFFIC = {
  perIpMax: 1_000_000,
  perKeyMax: 1_000_000,
  authFailuresPerIp: 1_000_000,
  maxEventLoopDelayMs: 0,
};

/** moreKeys: ",key:role:name" entries added to the test keys */
export function buildTestApp(kit: WorkflowKit, moreKeys = ''): Promise<FastifyInstance> {
  return buildApp({
    client: kit.env.client,
    pool: kit.pool,
    taskQueue: kit.taskQueue,
    apiKeys: TEST_API_KEYS + moreKeys,
    policy: () => DEFAULT_POLICY,
    inputClock: () => Date.now() + AHEAD_OF_WALL_CLOCK_MS,
    traffic: UNLIMITED_TRAFFIC,
  });
}
