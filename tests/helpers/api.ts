// The API under test, wired to a workflow kit's real Temporal client, worker and PostgreSQL.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config';
import { DEFAULT_POLICY } from '../../domain/policy';
import type { WorkflowKit } from './workflow-kit';

export const KEYS = { service: 'dev-service-key', support: 'dev-support-key', auditor: 'dev-auditor-key', marketing: 'dev-marketing-key' } as const;
export const auth = (role: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[role]}` });

export function buildTestApp(kit: WorkflowKit): Promise<FastifyInstance> {
  return buildApp({ client: kit.env.client, pool: kit.pool, taskQueue: kit.taskQueue, apiKeys: DEV_API_KEYS, policy: () => DEFAULT_POLICY });
}
