// `npm run replay` turns off two SDK costs a bulk audit does not need (worker/replay-speed.ts). The
// check must stay as strict with them off: the same verdicts, the same mismatches.
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared';
import { historyFromJson } from '../../worker/history-json';
import { replayHistories, replayHistory } from '../../worker/replay';
import { trimReplayOverhead } from '../../worker/replay-speed';
import { recordedHistories, recordedReplayItems, variantBundle, workflowBundle } from '../helpers/audit';
import { testDataConverter } from '../helpers/payload-codec';
import { quietTemporalLogs } from '../helpers/workflow-kit';

// before any replay of this file: the SDK installs its promise hook with the first workflow VM
const trims = trimReplayOverhead();
const recorded = recordedHistories();
beforeAll(() => quietTemporalLogs());

it('finds both SDK costs and turns them off (an SDK upgrade that moves them fails here, not in a slower audit)', () => {
  expect(trims).toEqual({ promiseStackTraces: 'off', vmWatchdog: 'off' });
  expect(trimReplayOverhead()).toBe(trims);
});

it("drops only the replay worker's 49-day isolate timeout, a real limit is kept", async () => {
  const seen: unknown[] = [];
  class Spy {
    constructor(_script: unknown, _bundle: unknown, timeoutMs: unknown) {
      seen.push(timeoutMs);
    }
  }
  const bundle = {
    code: 'globalThis.__webpack_module_cache__ = {};',
    sourceMap: { version: 3, sources: [], names: [], mappings: '' },
    filename: 'spy-bundle.js',
  };
  const create = ReusableVMWorkflowCreator.create as unknown as (this: unknown, ...args: unknown[]) => Promise<unknown>;
  await create.call(Spy, bundle, 4294967295, new Set());
  await create.call(Spy, bundle, 5000, new Set());
  expect(seen).toEqual([undefined, 5000]);
});

it('every recorded history still replays deterministically, with no promise hook installed', async () => {
  const items = recordedReplayItems();
  const verdicts: Record<string, unknown> = {};
  for await (const { item, verdict } of replayHistories(workflowBundle(), items, testDataConverter()))
    verdicts[item.file] = verdict;
  expect(Object.keys(verdicts).sort()).toEqual(recorded.map((r) => r.file).sort());
  expect(Object.values(verdicts).every((v) => (v as { deterministic: boolean }).deterministic)).toBe(true);
  expect({ installed: globalHandlers.installed, promiseHook: globalHandlers.promiseHookInstalled }).toEqual({
    installed: true,
    promiseHook: false,
  });
});

it('changed code still fails the delivered order at a named event (nondeterminism, a new timer)', async () => {
  const changed = await variantBundle('order-extra-timer.ts');
  const r = recorded.find((x) => x.file === 'order-delivered.json')!;
  const verdict = await replayHistory(changed, historyFromJson(r.json), r.json, 'order:trimmed', testDataConverter());
  expect(verdict).toMatchObject({
    deterministic: false,
    mismatch: { kind: 'nondeterminism', eventId: expect.any(Number), got: expect.stringContaining('StartTimer') },
  });
});
