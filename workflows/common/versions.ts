// Versioning of workflow code. Each patch a run meets costs it a marker and an upsert of
// TemporalChangeVersion (a visibility write on the server): a delivered order met five. New runs meet
// one, CHANGES_2026_12, which stands for every change guarded before it; histories from before carry
// the individual markers and replay through them. A change made after it adds its own patched() call.
import { patched } from '@temporalio/workflow';

const CHANGES_2026_12 = 'changes-2026-12';

/** Whether this run takes the changed path `id` (a change from before CHANGES_2026_12, or that one). */
export function changed(id: string): boolean {
  return patched(CHANGES_2026_12) || patched(id);
}
