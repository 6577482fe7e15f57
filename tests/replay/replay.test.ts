// Every recorded history replays against the workflow code of this checkout: a change that breaks an
// old history fails here unless it is guarded with patched(). Histories: `npm run replay:record`; their
// payloads are encrypted with the test key, so each replay decrypts with it.
import type { WorkflowBundle } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROCESS_SCENARIOS } from '../../scripts/scenarios';
import { historyFromJson } from '../../worker/history-json';
import { replayHistories, replayHistory, type Verdict } from '../../worker/replay';
import * as workflows from '../../workflows';
import { HISTORIES_DIR, recordedHistories, recordedReplayItems, variantBundle, workflowBundle } from '../helpers/audit';
import { quietTemporalLogs } from '../helpers/workflow-kit';
import { testDataConverter } from '../helpers/payload-codec';

const recorded = recordedHistories();
const verdicts = new Map<string, Verdict>();
const replayOne = (bundle: WorkflowBundle, file: string) => {
  const r = recorded.find((x) => x.file === file)!;
  return replayHistory(bundle, historyFromJson(r.json), r.json, `order:${file}`, testDataConverter());
};

beforeAll(async () => {
  quietTemporalLogs();
  const items = recordedReplayItems();
  for await (const { item, verdict } of replayHistories(workflowBundle(), items, testDataConverter()))
    verdicts.set(item.file, verdict);
});

describe('recorded histories', () => {
  it.each(recorded.map((r) => [r.file]))('%s replays deterministically against the current workflow code', (file) => {
    expect(verdicts.get(file)).toEqual({ deterministic: true });
  });

  it('every workflow the worker runs has recorded histories of a main path and a breach path', () => {
    const exported = Object.keys(workflows);
    expect(exported.length).toBeGreaterThanOrEqual(3);
    for (const type of exported) {
      const files = recorded.filter((r) => r.workflowType === type).map((r) => r.file);
      expect({
        type,
        hasMain: files.some((f) => !f.includes('breach')),
        hasBreach: files.some((f) => f.includes('breach')),
      }).toEqual({ type, hasMain: true, hasBreach: true });
    }
  });

  it('every scenario of the recorder has its history file (re-record after adding one)', () => {
    const missing = PROCESS_SCENARIOS.flatMap((p) => p.scenarios.map((s) => `${p.type}-${s.name}.json`)).filter(
      (f) => !existsSync(join(HISTORIES_DIR, f)),
    );
    expect(missing).toEqual([]);
  });

  it('a continued-as-new complaint is recorded run by run, each run replaying on its own', () => {
    const runs = recorded.filter((r) => r.file.startsWith('complaint-reopened'));
    expect(runs.map((r) => r.file)).toEqual(['complaint-reopened-run1.json', 'complaint-reopened.json']);
    const started = (r: (typeof runs)[number]) =>
      r.json.events[0].workflowExecutionStartedEventAttributes as Record<string, string>;
    expect(started(runs[1]).continuedExecutionRunId).toBe(runs[0].runId);
    expect(runs.every((r) => verdicts.get(r.file)?.deterministic)).toBe(true);
  });
});

describe('the check can fail', () => {
  it('an order workflow changed without patched() (a new timer first) does not explain the delivered order: mismatch at a named event', async () => {
    const verdict = await replayOne(await variantBundle('order-extra-timer.ts'), 'order-delivered.json');
    expect(verdict.deterministic).toBe(false);
    if (verdict.deterministic) return;
    const json = recorded.find((r) => r.file === 'order-delivered.json')!.json;
    const event = json.events.find((e) => Number(e.eventId) === verdict.mismatch.eventId)!;
    expect(verdict.mismatch).toMatchObject({
      kind: 'nondeterminism',
      eventId: expect.any(Number),
      got: expect.stringContaining('StartTimer'),
    });
    expect(event).toBeDefined();
    const pascal = String(event.eventType)
      .replace('EVENT_TYPE_', '')
      .toLowerCase()
      .replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
    expect(verdict.mismatch.expected?.startsWith(pascal)).toBe(true);
    expect(verdict.mismatch.message).toMatch(/Nondeterminism/);
  });

  it('the same change guarded by patched() replays the old history deterministically', async () => {
    expect(await replayOne(await variantBundle('order-extra-timer-patched.ts'), 'order-delivered.json')).toEqual({
      deterministic: true,
    });
  });

  it("an order history replayed as a refund workflow fails as a workflow task failure, with the code's own error", async () => {
    const r = recorded.find((x) => x.file === 'order-rejected.json')!;
    const json = structuredClone(r.json);
    (json.events[0].workflowExecutionStartedEventAttributes as { workflowType: { name: string } }).workflowType.name =
      'refundWorkflow';
    const verdict = await replayHistory(
      workflowBundle(),
      historyFromJson(json),
      json,
      'refund:as-order',
      testDataConverter(),
    );
    expect(verdict).toMatchObject({
      deterministic: false,
      mismatch: { kind: 'workflow_task_failure', message: expect.stringMatching(/amount/) },
    });
  });
});
