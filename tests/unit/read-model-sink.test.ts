// The worker's end of the read model's sink: a stored write stays in the worker; one PostgreSQL refuses or
// does not finish in time goes back to its run as a signal, so the workflow can hand it to the retrying activity.
import type { WorkflowInfo } from '@temporalio/workflow';
import { readModelSinks } from '../../worker/read-model-sink';
import type { ReadModelWrite } from '../../workflows/common/read-model';

const info = { workflowId: 'order:O-1', runId: 'run-1' } as WorkflowInfo;
const write = { snapshot: { version: 3 }, entries: [{ seq: 3 }] } as unknown as ReadModelWrite;

function sinkWith(store: () => Promise<void>, handBack: (id: string, run: string, w: ReadModelWrite) => Promise<void>) {
  const lines: string[] = [];
  const sinks = readModelSinks({ store, handBack, boundMs: 50, log: (l) => lines.push(l) });
  return { call: () => sinks.readModel.write.fn(info, write), lines };
}

it('a stored write is not handed back', async () => {
  const handBack = jest.fn(async () => undefined);
  await sinkWith(async () => undefined, handBack).call();
  expect(handBack).not.toHaveBeenCalled();
});

it('a refused write goes back to its own run, whole, and the log names the case', async () => {
  const handBack = jest.fn(async () => undefined);
  const s = sinkWith(() => Promise.reject(new Error('connect ECONNREFUSED')), handBack);
  await s.call();
  expect(handBack).toHaveBeenCalledWith('order:O-1', 'run-1', write);
  expect(s.lines.join('\n')).toMatch(/order:O-1 write refused \(connect ECONNREFUSED\)/);
});

it('a write PostgreSQL holds past the bound goes back too: the workflow task does not wait on the database', async () => {
  const handBack = jest.fn(async () => undefined);
  await sinkWith(() => new Promise<void>(() => undefined), handBack).call();
  expect(handBack).toHaveBeenCalledTimes(1);
});

it('the hand-back is tried three times, then the sink fails (the task runs again and calls it again)', async () => {
  const handBack = jest.fn(async () => {
    throw new Error('UNAVAILABLE');
  });
  await expect(sinkWith(() => Promise.reject(new Error('down')), handBack).call()).rejects.toThrow('UNAVAILABLE');
  expect(handBack).toHaveBeenCalledTimes(3);
});

it('a hand-back that fails once and then gets through is enough', async () => {
  const handBack = jest.fn().mockRejectedValueOnce(new Error('UNAVAILABLE')).mockResolvedValue(undefined);
  await sinkWith(() => Promise.reject(new Error('down')), handBack).call();
  expect(handBack).toHaveBeenCalledTimes(2);
});
