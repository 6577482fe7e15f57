// The launcher caps the worker's V8 heap (README "Worker tuning"): without it V8 sizes the heap from the
// machine's memory and the worker's RSS follows the garbage, not the open cases.
import { DEFAULT_WORKER_HEAP_MB, workerHeapFlag } from '../../scripts/stack';

describe('worker heap limit (WORKER_MAX_OLD_SPACE_MB)', () => {
  it('caps the heap by default, and takes the limit from the environment', () => {
    expect(workerHeapFlag({})).toEqual([`--max-old-space-size=${DEFAULT_WORKER_HEAP_MB}`]);
    expect(workerHeapFlag({ WORKER_MAX_OLD_SPACE_MB: '1024' })).toEqual(['--max-old-space-size=1024']);
  });

  it('refuses a limit that is not a number of MiB a worker can start in', () => {
    expect(() => workerHeapFlag({ WORKER_MAX_OLD_SPACE_MB: '1g' })).toThrow(
      /WORKER_MAX_OLD_SPACE_MB: MiB >= 64, got "1g"/,
    );
    expect(() => workerHeapFlag({ WORKER_MAX_OLD_SPACE_MB: '16' })).toThrow(/>= 64/);
  });
});
