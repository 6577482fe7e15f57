// Validated configuration (issue 10): the whole environment parsed once; a bad value stops the
// start naming the variable and why.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../config';

describe('loadConfig', () => {
  it('reads durations as 30s, 500ms, 2m, 1h or plain milliseconds (ARCHIVE_INTERVAL_MS=30s is 30 s, not NaN)', () => {
    expect(loadConfig({ ARCHIVE_INTERVAL_MS: '30s' }).archiveIntervalMs).toBe(30_000);
    expect(loadConfig({ ARCHIVE_INTERVAL_MS: '0' }).archiveIntervalMs).toBe(0);
    expect(loadConfig({ HTTP_TIMEOUT_MS: '500ms' }).httpTimeoutMs).toBe(500);
    expect(loadConfig({ HTTP_TIMEOUT_MS: '2m' }).httpTimeoutMs).toBe(120_000);
    expect(loadConfig({ HTTP_TIMEOUT_MS: '1500' }).httpTimeoutMs).toBe(1500);
    expect(loadConfig({})).toMatchObject({ archiveIntervalMs: 30_000, httpTimeoutMs: 5_000, api: { host: '127.0.0.1', port: 3000 }, logLevel: 'info' });
  });

  it.each([
    ['HTTP_TIMEOUT_MS', 'abc', /HTTP_TIMEOUT_MS: a duration like 500ms, 30s/],
    ['HTTP_TIMEOUT_MS', '0', /HTTP_TIMEOUT_MS: at least 100 ms/],
    ['ARCHIVE_INTERVAL_MS', '-1', /ARCHIVE_INTERVAL_MS: a duration/],
    ['PORT', '70000', /PORT: a TCP port 1-65535/],
    ['PORT', '3000abc', /PORT: a TCP port number/],
    ['PAYMENT_URL', 'ftp://pay.example', /PAYMENT_URL: an http\(s\) URL/],
    ['SIMULATOR_URL', 'not a url', /SIMULATOR_URL: an http\(s\) URL/],
    ['DATABASE_URL', 'mysql://db', /DATABASE_URL: a postgres:\/\/ URL/],
    ['TEMPORAL_ADDRESS', 'localhost', /TEMPORAL_ADDRESS: host:port/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
  ])('%s=%s stops the start with the variable and the reason', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });

  it('names every bad variable at once, and never echoes a URL (it may carry a password)', () => {
    try {
      loadConfig({ PORT: 'x', HTTP_TIMEOUT_MS: 'y', DATABASE_URL: 'mysql://u:secret@db' });
      throw new Error('no error');
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'HTTP_TIMEOUT_MS', 'PORT']);
      expect((err as Error).message).not.toContain('secret');
    }
  });
});

describe('the processes', () => {
  it.each(['api', 'worker'])('%s exits 1 at start on HTTP_TIMEOUT_MS=abc, naming it, before connecting anywhere', (proc) => {
    const out = spawnSync(process.execPath, [join(__dirname, '../../dist', proc, 'main.js')], {
      env: { PATH: process.env.PATH, HTTP_TIMEOUT_MS: 'abc', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/HTTP_TIMEOUT_MS: a duration like 500ms/);
  });
});
