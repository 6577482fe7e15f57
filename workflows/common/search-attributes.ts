import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { BREACHED, CASE_STATUS, CASE_TYPE, NEXT_DUE_AT } from '../../domain/search-attributes';
import type { CaseSnapshot } from '../../domain/case';
import { mirrorWithoutDue } from './versions';

type Mirrored = Pick<CaseSnapshot, 'caseType' | 'status' | 'nextDueAt' | 'breached'>;

/**
 * Mirrors the case row into search attributes, only when a value differs from what the run holds. Each
 * upsert is a visibility write on the server (~5 ms of its CPU here, README "Load"), so new runs mirror
 * type, status and breach, which change a few times in a case; the due time, which moves at nearly every
 * step, is the read model's (GET /v1/cases?dueWithin=). Runs from before mirror the due time as well.
 */
export function searchAttributesUpdater(): (snap: Mirrored) => void {
  let last = '';
  return (snap) => {
    if (mirrorWithoutDue()) {
      upsertChanged(snap);
      return;
    }
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

/** Compared with the run's own values: those it started with (the API sets them), inherited or upserted. */
function upsertChanged(snap: Mirrored): void {
  const held = workflowInfo().typedSearchAttributes;
  const stale = held.get(NEXT_DUE_AT) !== undefined; // a run that mirrored it before: cleared once
  if (
    !stale &&
    held.get(CASE_TYPE) === snap.caseType &&
    held.get(CASE_STATUS) === snap.status &&
    held.get(BREACHED) === snap.breached
  )
    return;
  upsertSearchAttributes([
    { key: CASE_TYPE, value: snap.caseType },
    { key: CASE_STATUS, value: snap.status },
    { key: BREACHED, value: snap.breached },
    ...(stale ? [{ key: NEXT_DUE_AT, value: null }] : []),
  ]);
}
