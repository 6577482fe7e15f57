// One schema per message (domain/messages): the API's 400 and the workflow validator's refusal come from one rule.
import type { z } from 'zod';
import { approvalBody } from '../../domain/messages/campaign';
import { callbackBody } from '../../domain/messages/complaint';
import { auditBody, orderBody } from '../../domain/messages/order';
import { priceApprovalBody } from '../../domain/messages/price-change';
import { financeApprovalBody, responseBody } from '../../domain/messages/refund';
import {
  auditDecisionRule,
  callbackOutcomeRule,
  campaignDecisionRule,
  financeDecisionRule,
  inspectionDecisionRule,
  priceDecisionRule,
  refuseUnless,
  responseDecisionRule,
  type Rule,
} from '../../domain/rules';
import { orderTotalFen } from '../../domain/order';
import { allChecked, orderRequest } from '../helpers/orders';

/** What the API's error handler makes of a body's issues: {field, reason}. */
const issues = (schema: z.ZodType, body: unknown) => {
  const parsed = schema.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message }));
};
const refusal = (rule: Rule, input: unknown) => {
  try {
    refuseUnless(rule, input);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
};

describe('a rejection needs a reason: one rule for the API body and the workflow validator', () => {
  it.each([
    ['R1 respond', responseBody, responseDecisionRule, { action: 'reject', note: 'n' }, 'reason'],
    ['R2 finance approval', financeApprovalBody, financeDecisionRule, { decision: 'reject' }, 'note'],
    ['O4 audit', auditBody, auditDecisionRule(true), { decision: 'reject' }, 'reason'],
  ])(
    '%s: refused without a reason (400 on the field, the same words in the workflow)',
    (_, body, rule, input, field) => {
      expect(issues(body, input)).toEqual([{ field, reason: 'a rejection needs a reason' }]);
      expect(refusal(rule, { ...input, agent: 'lead-1', by: 'fin-1', reviewer: 'r-1' })).toBe(
        'a rejection needs a reason',
      );
      expect(refusal(rule, { ...input, [field]: '   ' })).toBe('a rejection needs a reason');
      expect(refusal(rule, { ...input, [field]: 'out of policy' })).toBeUndefined();
      expect(issues(body, { ...input, [field]: 'out of policy' })).toEqual([]);
    },
  );

  it('R3: after an inspection a rejection needs a reason; a refund does not', () => {
    expect(refusal(inspectionDecisionRule, { decision: 'reject', agent: 'lead-1' })).toBe('a rejection needs a reason');
    expect(refusal(inspectionDecisionRule, { decision: 'refund', agent: 'lead-1' })).toBeUndefined();
  });

  it('M8: a price rejection needs a comment; M1: reject and revise need one, in the words each side always used', () => {
    expect(issues(priceApprovalBody, { decision: 'reject' })).toEqual([
      { field: 'comment', reason: 'a rejection needs a comment' },
    ]);
    expect(refusal(priceDecisionRule, { decision: 'reject', by: 'a' })).toBe('a rejection needs a comment');
    expect(refusal(priceDecisionRule, { decision: 'approve', by: 'a' })).toBeUndefined();
    expect(issues(approvalBody, { decision: 'revise' })).toEqual([
      { field: 'comment', reason: 'reject and revise need a comment' },
    ]);
    expect(refusal(campaignDecisionRule, { decision: 'revise', by: 'a' })).toBe('a "revise" decision needs a comment');
    expect(refusal(campaignDecisionRule, { decision: 'reject', by: 'a', comment: ' ' })).toBe(
      'a "reject" decision needs a comment',
    );
    expect(refusal(campaignDecisionRule, { decision: 'approve', by: 'a' })).toBeUndefined();
  });
});

describe('O4: the audit checklist rule, shared by the API and the workflow', () => {
  it('an approval needs every item checked; the workflow of an old policy may go without the checklist', () => {
    const open = allChecked('stock');
    const reason = 'an approval needs every item checked: stock not checked';
    expect(issues(auditBody, { decision: 'approve', checklist: open })).toEqual([{ field: 'checklist.stock', reason }]);
    expect(refusal(auditDecisionRule(true), { decision: 'approve', reviewer: 'r', checklist: open })).toBe(reason);
    expect(issues(auditBody, { decision: 'approve' })[0].field).toBe('checklist');
    expect(refusal(auditDecisionRule(true), { decision: 'approve', reviewer: 'r' })).toMatch(/needs the O4 checklist/);
    expect(refusal(auditDecisionRule(false), { decision: 'approve', reviewer: 'r' })).toBeUndefined();
    expect(refusal(auditDecisionRule(true), { decision: 'approve', reviewer: 'r', checklist: allChecked() })).toBe(
      undefined,
    );
  });
});

describe('C4: satisfied is known exactly when the customer was reached', () => {
  it.each([
    [
      { reached: true },
      'required when the customer was reached',
      'satisfied is required when the customer was reached',
    ],
    [
      { reached: false, satisfied: true },
      'only known when the customer was reached',
      'satisfied is only known when the customer was reached',
    ],
  ])('%j: a 400 on satisfied, and the workflow refuses in its own sentence', (input, reason, sentence) => {
    expect(issues(callbackBody, { ...input, note: 'called' })).toEqual([{ field: 'satisfied', reason }]);
    expect(refusal(callbackOutcomeRule, { ...input, calledBy: 'agent-1', note: 'called' })).toBe(sentence);
  });

  it('a reached customer with an answer, or an unreached one without, passes both', () => {
    for (const input of [{ reached: true, satisfied: false }, { reached: false }]) {
      expect(issues(callbackBody, { ...input, note: 'called' })).toEqual([]);
      expect(refusal(callbackOutcomeRule, { ...input, calledBy: 'agent-1', note: 'called' })).toBeUndefined();
    }
  });
});

describe('the order total is computed once (domain/order.ts orderTotalFen)', () => {
  it('the order schema refuses exactly the orders whose orderTotalFen is zero', () => {
    const free = orderRequest({ items: [{ sku: 'S1', name: 'gift', quantity: 2, unitPrice: 0 }] });
    expect(orderTotalFen(free.items)).toBe(0);
    expect(issues(orderBody, free)).toEqual([{ field: 'items', reason: 'the order total must be above zero' }]);
    const paid = orderRequest({ items: [{ sku: 'S1', name: 'gift', quantity: 2, unitPrice: 1 }] });
    expect(orderTotalFen(paid.items)).toBe(2);
    expect(issues(orderBody, paid)).toEqual([]);
  });
});
