// The launcher restarts a dead child with backoff (issue 10): 1 s, 2 s, 4 s ... 30 s, reset once stable.
import { Restarter, restartDelayMs } from '../../scripts/restarts';

it('doubles the delay per restart up to 30 s', () => {
  expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelayMs(n))).toEqual([
    1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
  ]);
});

describe('Restarter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('restarts after the delay, backs off while the child keeps dying, starts over once it stayed up, and logs each', () => {
    const restarted: string[] = [];
    const lines: string[] = [];
    const r = new Restarter<'api'>(
      (n) => restarted.push(n),
      (l) => lines.push(l),
    );
    r.died('api', 100, 'code 1');
    jest.advanceTimersByTime(999);
    expect(restarted).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(restarted).toEqual(['api']);
    r.died('api', 100, 'code 1');
    jest.advanceTimersByTime(2_000);
    expect(restarted).toHaveLength(2);
    r.died('api', 120_000, 'signal SIGKILL'); // it had been up two minutes
    jest.advanceTimersByTime(1_000);
    expect(restarted).toHaveLength(3);
    expect(lines).toEqual([
      'api exited unexpectedly (code 1); restarting in 1 s (restart #1)',
      'api exited unexpectedly (code 1); restarting in 2 s (restart #2)',
      'api exited unexpectedly (signal SIGKILL); restarting in 1 s (restart #1)',
    ]);
  });

  it('never restarts once stopped, and keeps one pending restart per child', () => {
    const restarted: string[] = [];
    const r = new Restarter<'worker'>(
      (n) => restarted.push(n),
      () => undefined,
    );
    r.died('worker', 0, 'x');
    r.died('worker', 0, 'x');
    jest.advanceTimersByTime(60_000);
    expect(restarted).toEqual(['worker']);
    r.died('worker', 0, 'x');
    r.stop();
    jest.advanceTimersByTime(60_000);
    expect(restarted).toEqual(['worker']);
  });
});
