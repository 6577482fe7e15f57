// What every process's activities share: their dependencies, the rule that a 4xx is an answer, and the
// activities every workflow calls (the case record, a buyer's SMS, a staff notice).
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { ReadModelPool } from '../db/pool';
import type { CaseSnapshot, TimelineEntry } from '../domain/case';
import { recordTransition } from '../store/cases';
import { HttpError } from './clients/http';
import type { Clients } from './clients/systems';

export interface ActivityDeps {
  pool: Pool;
  /** the read model's own connections (db/pool.ts): a locked case row never takes the money paths' */
  readModelPool: ReadModelPool;
  clients: Clients;
  /** for activities that message other workflows (a refund stopping its order) */
  temporal: Client;
}

export const currentWorkflowId = () => Context.current().info.workflowExecution?.workflowId ?? 'unknown';

/** A 4xx from an external system is a business answer: retrying cannot change it. */
export async function external<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof HttpError && !err.retryable) {
      throw ApplicationFailure.nonRetryable(err.message, 'BusinessRejection', {
        system: err.system,
        status: err.status,
        body: err.body,
      });
    }
    throw err;
  }
}

export function commonActivities({ readModelPool, clients }: Pick<ActivityDeps, 'readModelPool' | 'clients'>) {
  return {
    /** `entries`: the transitions of one workflow activation; `entry`: one, as runs from before sent it. */
    async recordTransition(input: {
      snapshot: CaseSnapshot;
      entry?: TimelineEntry;
      entries?: TimelineEntry[];
    }): Promise<void> {
      await recordTransition(readModelPool, input.snapshot, input.entries ?? (input.entry ? [input.entry] : []));
    },

    sendSms: (input: {
      key: string;
      ref: string;
      to: string;
      template: string;
      params?: Record<string, unknown>;
      text: string;
    }) => external(() => clients.messaging.sms(input.key, input)),

    notifyStaff: (input: { key: string; ref: string; role: string; subject: string; body: string }) =>
      external(() => clients.messaging.notifyStaff(input.key, input)),
  };
}

export type CommonActivities = ReturnType<typeof commonActivities>;
