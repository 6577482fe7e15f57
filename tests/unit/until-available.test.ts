// Start-up waits for a dependency that is away instead of exiting (issue 10).
import { untilAvailable } from '../../runtime/until-available';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

it('retries while PostgreSQL refuses connections, logging each wait, then returns the result', async () => {
  const lines: string[] = [];
  let calls = 0;
  const out = await untilAvailable(
    'PostgreSQL',
    async () => {
      calls += 1;
      if (calls < 3) throw refused();
      return 'migrated';
    },
    { log: (l) => lines.push(l), firstDelayMs: 5 },
  );
  expect(out).toBe('migrated');
  expect(calls).toBe(3);
  expect(lines).toEqual([
    expect.stringMatching(/^PostgreSQL: not reachable .*try 1, next in 5 ms$/),
    expect.stringMatching(/try 2, next in 10 ms$/),
  ]);
});

it("retries while Temporal cannot be reached (the worker connection's TransportError)", async () => {
  let calls = 0;
  const out = await untilAvailable(
    'Temporal',
    async () => {
      calls += 1;
      if (calls < 2) throw Object.assign(new Error('tcp connect error'), { name: 'TransportError' });
      return calls;
    },
    { log: () => undefined, firstDelayMs: 5 },
  );
  expect(out).toBe(2);
});

it('throws at once for a failure that is not an outage (a broken migration)', async () => {
  let calls = 0;
  await expect(
    untilAvailable(
      'PostgreSQL',
      async () => {
        calls += 1;
        throw new Error('migration 009_x.sql failed: syntax error at or near "TABEL"');
      },
      { log: () => undefined, firstDelayMs: 5 },
    ),
  ).rejects.toThrow(/syntax error/);
  expect(calls).toBe(1);
});

it('gives up when shut down while waiting', async () => {
  const stop = new AbortController();
  const waiting = untilAvailable(
    'PostgreSQL',
    async () => {
      throw refused();
    },
    { log: () => stop.abort(), firstDelayMs: 60_000, signal: stop.signal },
  );
  await expect(waiting).rejects.toThrow(/ECONNREFUSED/);
});
