import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { CaseSnapshot } from '../../domain/case';

const CASE_TYPE = defineSearchAttributeKey('CaseType', SearchAttributeType.KEYWORD);
const CASE_STATUS = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
const NEXT_DUE_AT = defineSearchAttributeKey('NextDueAt', SearchAttributeType.DATETIME);
const BREACHED = defineSearchAttributeKey('Breached', SearchAttributeType.BOOL);

/** Mirrors the case row into search attributes; only when something changed, to keep history small. */
export function searchAttributesUpdater(): (
  snap: Pick<CaseSnapshot, 'caseType' | 'status' | 'nextDueAt' | 'breached'>,
) => void {
  let last = '';
  return (snap) => {
    const now = JSON.stringify([snap.caseType, snap.status, snap.nextDueAt ?? null, snap.breached]);
    if (now === last) return;
    last = now;
    upsertSearchAttributes([
      { key: CASE_TYPE, value: snap.caseType },
      { key: CASE_STATUS, value: snap.status },
      { key: NEXT_DUE_AT, value: snap.nextDueAt ? new Date(snap.nextDueAt) : null },
      { key: BREACHED, value: snap.breached },
    ]);
  };
}
