// Refund cases: reserve the amount against the order, start idempotently, act through updates.
import { WorkflowNotFoundError } from '@temporalio/client';
import { savePersonalData } from '../../store/personal-data';
import { personalDataRows } from './start-rows';
import { confirmClaim, dropClaim, reserveRefund } from '../../store/refunds';
import { workflowIdFor } from '../../domain/ids';
import { formatMoney } from '../../domain/money';
import { nameMaskOf, type RefundPolicy } from '../../domain/policy';
import {
  caseDecisionUpdate,
  customerReplyUpdate,
  financeApprovalUpdate,
  refundStateQuery,
  respondUpdate,
  returnReceivedUpdate,
} from '../../workflows/refund/messages';
import type {
  CaseDecisionInput,
  CustomerReplyInput,
  FinanceApprovalInput,
  RefundState,
  ResponseInput,
  ReturnReceivedInput,
} from '../../workflows/refund/types';
import type { refundWorkflow } from '../../workflows/refund/workflow';
import { ApiError, BusinessRefusal } from '../errors';
import type { RefundBody } from '../schemas/refunds';
import type { CaseServiceDeps } from '.';
import { caseCalls, requestHash, type StartedCase } from './temporal';

export type StartedRefund = StartedCase<'refundId'>;

export function refundService(deps: CaseServiceDeps) {
  const { pool } = deps;
  const policy = (): RefundPolicy => ({ ...deps.policy().refund, nameMask: nameMaskOf(deps.policy()) });
  const cases = caseCalls(deps, 'refund');
  const { update } = cases;

  /** The same refund again: 200 with the existing case when the body matches, 409 when it does not. */
  async function existing(body: RefundBody, hash: string): Promise<StartedRefund | undefined> {
    const found = await cases
      .handleFor(body.refundId)
      .describe()
      .catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err; // Temporal away: 503, not a second reservation
      });
    if (!found) return undefined;
    if (found.memo?.requestHash !== hash)
      throw new ApiError(409, 'conflict', `refund ${body.refundId} already exists with a different body`);
    await savePersonalData(pool, found.workflowId, { customer: body.customer }); // repairs a start whose save failed
    return {
      refundId: body.refundId,
      workflowId: found.workflowId,
      runId: found.runId,
      status: found.status.name === 'RUNNING' ? 'open' : 'closed',
      created: false,
    };
  }

  return {
    async start(body: RefundBody): Promise<StartedRefund> {
      checkRequestAge(body.requestedAt, policy().requestMaxAgeMs);
      const hash = requestHash(body);
      const before = await existing(body, hash);
      if (before) return before;

      const reserved = await reserveRefund(pool, {
        refundId: body.refundId,
        orderId: body.orderId,
        amountFen: body.amount,
        currency: body.currency,
        reasonCode: body.reason.code,
        kind: body.kind,
        ...(body.items ? { items: body.items } : {}),
      });
      if (!reserved.ok && reserved.reason === 'items_not_on_order') {
        throw new BusinessRefusal(
          'items_not_on_order',
          `the goods named are not all refundable on order ${body.orderId}`,
          reserved.problems,
        );
      }
      if (!reserved.ok && reserved.reason === 'unknown_order') {
        throw new BusinessRefusal(
          'unknown_order',
          `order ${body.orderId} is not known here: nothing to check the refund against (post the order, or import its paid amount)`,
          [{ field: 'body.orderId', reason: 'no order with this id was paid through this system or imported' }],
        );
      }
      if (!reserved.ok && reserved.reason === 'currency_mismatch') {
        throw new BusinessRefusal('currency_mismatch', `order ${body.orderId} was paid in ${reserved.orderCurrency}`, [
          { field: 'body.currency', reason: `must be ${reserved.orderCurrency}` },
        ]);
      }
      if (!reserved.ok) {
        const f = (n: number) => formatMoney({ amount: n, currency: body.currency });
        throw new BusinessRefusal(
          'over_refund',
          `order ${body.orderId} was paid ${f(reserved.paid)} and has ${f(reserved.alreadyRefunded)} refunded or requested; at most ${f(reserved.refundable)} can be refunded`,
          [
            {
              field: 'body.amount',
              reason: `exceeds the refundable ${reserved.refundable} fen (paid ${reserved.paid}, already refunded ${reserved.alreadyRefunded})`,
            },
          ],
        );
      }

      const workflowId = workflowIdFor('refund', body.refundId);
      const started = await cases
        .start<typeof refundWorkflow>(body.refundId, {
          workflowType: 'refundWorkflow',
          body,
          args: [{ request: { ...body, requestedAt: body.requestedAt ?? new Date().toISOString() }, policy: policy() }],
          rows: personalDataRows(pool, workflowId, { customer: body.customer }),
        })
        .catch(async (err) => {
          await dropClaim(pool, body.refundId).catch(() => undefined); // not started: the amount is free again
          throw err;
        });
      await confirmClaim(pool, body.refundId);
      return { refundId: body.refundId, ...started };
    },

    state: (refundId: string): Promise<RefundState> => cases.query(refundId, refundStateQuery),
    respond: (refundId: string, input: ResponseInput) => update(refundId, respondUpdate, input),
    customerReply: (refundId: string, input: CustomerReplyInput) => update(refundId, customerReplyUpdate, input),
    returnReceived: (refundId: string, input: ReturnReceivedInput) => update(refundId, returnReceivedUpdate, input),
    decide: (refundId: string, input: CaseDecisionInput) => update(refundId, caseDecisionUpdate, input),
    approveAsFinance: (refundId: string, input: FinanceApprovalInput) => update(refundId, financeApprovalUpdate, input),
  };
}
export type RefundService = ReturnType<typeof refundService>;

/** R1: a request older than the policy bound would start with its deadlines gone (the future is refused by the schema). */
function checkRequestAge(requestedAt: string | undefined, maxAgeMs: number): void {
  if (!requestedAt || Date.parse(requestedAt) >= Date.now() - maxAgeMs) return;
  throw new ApiError(400, 'bad_request', 'invalid body', [
    {
      field: 'body.requestedAt',
      reason: `must not be more than ${Math.round(maxAgeMs / 3_600_000)} h ago (refund.requestMaxAgeMs)`,
    },
  ]);
}
