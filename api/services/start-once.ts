// Starts a case workflow once per business key: the same body again finds the existing case,
// a different body is a conflict (same semantics as POST /v1/orders).
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Workflow } from '@temporalio/common';
import { ApiError } from '../errors';
import { onCase, requestHash } from './temporal';

export interface Started {
  workflowId: string;
  runId: string;
  status: 'open' | 'closed';
  created: boolean;
}

export async function startOnce<W extends Workflow>(
  client: Client,
  opts: { workflowType: string; workflowId: string; taskQueue: string; label: string; body: unknown; args: Parameters<W> },
): Promise<Started> {
  const hash = requestHash(opts.body);
  try {
    const handle = await client.workflow.start(opts.workflowType, {
      workflowId: opts.workflowId,
      taskQueue: opts.taskQueue,
      args: opts.args as unknown[],
      memo: { requestHash: hash },
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    });
    return { workflowId: opts.workflowId, runId: handle.firstExecutionRunId, status: 'open', created: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const existing = await client.workflow.getHandle(opts.workflowId).describe();
    if (existing.memo?.requestHash !== hash) throw new ApiError(409, 'conflict', `${opts.label} already exists with a different body`);
    return { workflowId: opts.workflowId, runId: existing.runId, status: existing.status.name === 'RUNNING' ? 'open' : 'closed', created: false };
  }
}

/**
 * An action on one case: like onCase, but an update to a finished workflow is 409, not 404 (the
 * time-skipping test server reports it as "update not found").
 */
export async function actOnCase<T>(client: Client, workflowId: string, label: string, call: () => Promise<T>): Promise<T> {
  try {
    return await onCase(label, call);
  } catch (err) {
    if (err instanceof ApiError && err.statusCode === 404) {
      const exists = await client.workflow.getHandle(workflowId).describe().then(() => true, () => false);
      if (exists) throw new ApiError(409, 'case_closed', `${label} is closed and accepts no more actions`);
    }
    throw err;
  }
}
