// The API under test, wired to a workflow kit's real Temporal client, worker and PostgreSQL.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config';
import { DEFAULT_POLICY } from '../../domain/policy';
import type { WorkflowKit } from './workflow-kit';

export const KEYS = { service: 'dev-service-key', support: 'dev-support-key', auditor: 'dev-auditor-key', marketing: 'dev-marketing-key' } as const;
export const auth = (role: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[role]}` });

/** The time-skipping server's clock runs ahead of the wall clock by however long tests skipped:
 * "now" on that clock must not count as the future. tests/api/bad-input.test.ts checks the real limit. */
const AHEAD_OF_WALL_CLOCK_MS = 365 * 86_400_000;

/** Tests fire requests far faster than any client should, on a busy machine: rate limits and load
 * shedding that never trip (tests/api/traffic-api.test.ts checks them). */
export const UNLIMITED_TRAFFIC = { perIpMax: 1_000_000, perKeyMax: 1_000_000, maxEventLoopDelayMs: 0 };

export function buildTestApp(kit: WorkflowKit): Promise<FastifyInstance> {
  return buildApp({
    client: kit.env.client, pool: kit.pool, taskQueue: kit.taskQueue, apiKeys: DEV_API_KEYS, policy: () => DEFAULT_POLICY,
    inputClock: () => Date.now() + AHEAD_OF_WALL_CLOCK_MS,
    traffic: UNLIMITED_TRAFFIC,
  });
}
