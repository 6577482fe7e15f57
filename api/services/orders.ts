// Order cases in Temporal: start (idempotent by business key), read, act, deliver webhooks.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { workflowIdFor } from '../../domain/ids';
import type { OrderPolicy } from '../../domain/policy';
import type { OrderRequest } from '../../domain/order';
import { auditUpdate, carrierEventSignal, orderStateQuery, resolveExceptionUpdate, warehouseEventSignal } from '../../workflows/order/messages';
import type { AuditDecisionInput, CarrierEvent, ExceptionResolutionInput, OrderState, WarehouseEvent } from '../../workflows/order/types';
import type { orderWorkflow } from '../../workflows/order/workflow';
import { ApiError } from '../errors';
import { onCase, requestHash, signalCase } from './temporal';

export interface StartedOrder {
  orderId: string;
  workflowId: string;
  runId: string;
  status: 'open' | 'closed';
  created: boolean;
}

export function orderService(client: Client, taskQueue: string, policy: () => OrderPolicy) {
  const handleFor = (orderId: string) => client.workflow.getHandle(workflowIdFor('order', orderId));
  /** Updates answer 409 for a closed case, even where the server says "not found". */
  const update = <R, A>(id: string, def: UpdateDefinition<R, [A]>, input: A): Promise<R> => {
    const handle = handleFor(id);
    return onCase(label(id), () => handle.executeUpdate(def, { args: [input] }), handle);
  };
  const label = (orderId: string) => `order ${orderId}`;

  return {
    async start(request: OrderRequest): Promise<StartedOrder> {
      const workflowId = workflowIdFor('order', request.orderId);
      const hash = requestHash(request);
      try {
        const handle = await client.workflow.start<typeof orderWorkflow>('orderWorkflow', {
          workflowId,
          taskQueue,
          args: [{ request, policy: policy() }],
          memo: { requestHash: hash },
          // One order, one workflow, ever: a retried POST must not start a second one.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        });
        return { orderId: request.orderId, workflowId, runId: handle.firstExecutionRunId, status: 'open', created: true };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        const existing = await client.workflow.getHandle(workflowId).describe();
        if (existing.memo?.requestHash !== hash) {
          throw new ApiError(409, 'conflict', `order ${request.orderId} already exists with a different body`);
        }
        return {
          orderId: request.orderId,
          workflowId,
          runId: existing.runId,
          status: existing.status.name === 'RUNNING' ? 'open' : 'closed',
          created: false,
        };
      }
    },

    state: (orderId: string): Promise<OrderState> => onCase(label(orderId), () => handleFor(orderId).query(orderStateQuery)),

    audit: (orderId: string, decision: AuditDecisionInput): Promise<OrderState> =>
      update(orderId, auditUpdate, decision),

    resolveException: (orderId: string, resolution: ExceptionResolutionInput): Promise<OrderState> =>
      update(orderId, resolveExceptionUpdate, resolution),

    warehouseEvent: (orderId: string, ev: WarehouseEvent) =>
      signalCase(handleFor(orderId), label(orderId), () => handleFor(orderId).signal(warehouseEventSignal, ev)),

    carrierEvent: (orderId: string, ev: CarrierEvent) =>
      signalCase(handleFor(orderId), label(orderId), () => handleFor(orderId).signal(carrierEventSignal, ev)),
  };
}
export type OrderService = ReturnType<typeof orderService>;
