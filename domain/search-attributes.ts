// Temporal search attributes every case sets as it moves, so the Temporal Web UI can filter
// cases the way the support view does. The server must have them registered (scripts/stack/).
export const CASE_SEARCH_ATTRIBUTES = {
  CaseType: 'Keyword',
  CaseStatus: 'Keyword',
  NextDueAt: 'Datetime',
  Breached: 'Bool',
} as const;
