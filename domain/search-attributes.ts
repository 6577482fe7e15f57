// Temporal search attributes a case mirrors from its row, so the Temporal Web UI can filter cases by
// type, status and breach the way the support view does. The server must have them registered (scripts/stack/).
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

export const CASE_SEARCH_ATTRIBUTES = {
  CaseType: 'Keyword',
  CaseStatus: 'Keyword',
  /** mirrored by runs from before changes-2026-12c only (workflows/common/search-attributes.ts) */
  NextDueAt: 'Datetime',
  Breached: 'Bool',
} as const;

export const CASE_TYPE = defineSearchAttributeKey('CaseType', SearchAttributeType.KEYWORD);
export const CASE_STATUS = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const NEXT_DUE_AT = defineSearchAttributeKey('NextDueAt', SearchAttributeType.DATETIME);
export const BREACHED = defineSearchAttributeKey('Breached', SearchAttributeType.BOOL);

/** What a case starts with (the API passes them to workflow.start): its first transition upserts nothing. */
export function openingSearchAttributes(caseType: string): SearchAttributePair[] {
  return [
    { key: CASE_TYPE, value: caseType },
    { key: CASE_STATUS, value: 'open' },
    { key: BREACHED, value: false },
  ];
}
