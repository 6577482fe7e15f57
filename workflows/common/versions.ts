// Versioning of workflow code. Each patch a run meets costs it a marker and an upsert of
// TemporalChangeVersion (a visibility write on the server), so new runs meet one: the newest generation,
// which stands for every change guarded before it. Histories from before carry an older generation or the
// individual markers and replay through them. A change made after the newest adds its own patched() call.
import { patched } from '@temporalio/workflow';

/** Every change up to search attributes without the due time (mirrorWithoutDue). */
const CHANGES_2026_12C = 'changes-2026-12c';
/** Every change up to the read model's writes through a sink (readModelViaSink). */
const CHANGES_2026_12B = 'changes-2026-12b';
/** Every change up to one write per activation. */
const CHANGES_2026_12 = 'changes-2026-12';

const since12b = (): boolean => patched(CHANGES_2026_12C) || patched(CHANGES_2026_12B);

/** Whether this run takes the changed path `id` (a change from before CHANGES_2026_12B, or that one). */
export function changed(id: string): boolean {
  return since12b() || patched(CHANGES_2026_12) || patched(id);
}

/** The read model is written by the worker's sink, not by a local activity (workflows/common/recorder.ts). */
export const readModelViaSink = (): boolean => since12b();

/** Search attributes mirror type, status and breach only, and only where the run's differ (search-attributes.ts). */
export const mirrorWithoutDue = (): boolean => patched(CHANGES_2026_12C);
