// npm run load's flags: defaults, --keep for a stack of its own only, clear refusals.
import { parseArgs } from '../../scripts/load/args';

describe('npm run load flags', () => {
  it('defaults: 100 cases at concurrency 10 on a stack of its own, stopped after the table', () => {
    expect(parseArgs([])).toMatchObject({ n: 100, concurrency: 10, temporalMode: 'dev', keep: false });
  });

  it('--keep true leaves the stack it started running for a bulk replay', () => {
    expect(parseArgs(['--n', '500', '--keep', 'true']).keep).toBe(true);
    expect(() => parseArgs(['--keep', 'yes'])).toThrow(/--keep: true or false/);
  });

  it('--keep is refused with a running stack: that stack is not the generator to keep', () => {
    const running = [
      '--api',
      'http://127.0.0.1:3000',
      '--sim',
      'http://127.0.0.1:4000',
      '--temporal',
      '127.0.0.1:7233',
    ];
    expect(() => parseArgs([...running, '--keep', 'true'])).toThrow(/not with --api/);
    expect(parseArgs(running).keep).toBe(false);
  });

  it('--baseline-events 0 gives the bare flow no signals; calls need at least one', () => {
    expect(parseArgs(['--baseline-events', '0']).baselineEvents).toBe(0);
    expect(parseArgs(['--baseline-calls', '7', '--baseline-events', '6'])).toMatchObject({
      baselineCalls: 7,
      baselineEvents: 6,
    });
    expect(() => parseArgs(['--baseline-events', '-1'])).toThrow(/--baseline-events: a whole number >= 0/);
    expect(() => parseArgs(['--baseline-calls', '0'])).toThrow(/--baseline-calls: a whole number >= 1/);
  });
});
