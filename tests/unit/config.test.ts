// Validated configuration (issue 10): the whole environment parsed once; a bad value stops the
// start naming the variable and why.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { apiKeysFor, ConfigError, loadConfig } from '../../config';

describe('loadConfig', () => {
  it('reads durations as 30s, 500ms, 2m, 1h or plain milliseconds (ARCHIVE_INTERVAL_MS=30s is 30 s, not NaN)', () => {
    expect(loadConfig({ ARCHIVE_INTERVAL_MS: '30s' }).archiveIntervalMs).toBe(30_000);
    expect(loadConfig({ ARCHIVE_INTERVAL_MS: '0' }).archiveIntervalMs).toBe(0);
    expect(loadConfig({ HTTP_TIMEOUT_MS: '500ms' }).httpTimeoutMs).toBe(500);
    expect(loadConfig({ HTTP_TIMEOUT_MS: '2m' }).httpTimeoutMs).toBe(120_000);
    expect(loadConfig({ HTTP_TIMEOUT_MS: '1500' }).httpTimeoutMs).toBe(1500);
    expect(loadConfig({})).toMatchObject({
      archiveIntervalMs: 30_000,
      httpTimeoutMs: 5_000,
      api: { host: '127.0.0.1', port: 3000 },
      logLevel: 'info',
    });
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

  it('reads the worker tuning (slots, sticky cache, pg pool, bundle path) with defaults, refusing a bad count', () => {
    expect(loadConfig({}).worker).toEqual({
      workflowTaskSlots: 40,
      activitySlots: 100,
      localActivitySlots: 100,
      maxCachedWorkflows: 1000,
      pgPoolMax: 20,
      bundlePath: undefined,
    });
    expect(
      loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0', WORKER_PG_POOL_MAX: '5', WORKER_BUNDLE_PATH: '/b.js' }).worker,
    ).toMatchObject({ maxCachedWorkflows: 0, pgPoolMax: 5, bundlePath: '/b.js' });
    expect(() => loadConfig({ WORKER_ACTIVITY_SLOTS: '0' })).toThrow(/WORKER_ACTIVITY_SLOTS: at least 1/);
  });

  it('names every bad variable at once, and never echoes a URL (it may carry a password)', () => {
    try {
      loadConfig({ PORT: 'x', HTTP_TIMEOUT_MS: 'y', DATABASE_URL: 'mysql://u:secret@db' });
      throw new Error('no error');
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
        'DATABASE_URL',
        'HTTP_TIMEOUT_MS',
        'PORT',
      ]);
      expect((err as Error).message).not.toContain('secret');
    }
  });
});

describe('the processes', () => {
  it.each(['api', 'worker'])(
    '%s exits 1 at start on HTTP_TIMEOUT_MS=abc, naming it, before connecting anywhere',
    (proc) => {
      const out = spawnSync(process.execPath, [join(__dirname, '../../dist', proc, 'main.js')], {
        env: { PATH: process.env.PATH, HTTP_TIMEOUT_MS: 'abc', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(out.status).toBe(1);
      expect(out.stderr).toMatch(/HTTP_TIMEOUT_MS: a duration like 500ms/);
    },
  );
});

describe('production-safe defaults (issue 12)', () => {
  const urls = Object.fromEntries(
    [
      'INVENTORY_URL',
      'PAYMENT_URL',
      'WMS_URL',
      'CARRIER_URL',
      'PLATFORM_URL',
      'MESSAGING_URL',
      'ANALYTICS_URL',
      'CATALOG_URL',
    ].map((v) => [v, `http://${v.toLowerCase()}.internal`]),
  );

  it('NODE_ENV=production refuses to run the worker with a system URL missing, naming each: no silent fallback to the simulator', () => {
    const { PAYMENT_URL: _p, CATALOG_URL: _c, ...some } = urls;
    const config = loadConfig({ NODE_ENV: 'production', SIMULATOR_URL: 'http://simulator:4000', ...some });
    expect(() => config.systems).toThrow(ConfigError);
    try {
      void config.systems;
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.variable)).toEqual(['PAYMENT_URL', 'CATALOG_URL']);
    }
    expect(loadConfig({ NODE_ENV: 'production', ...urls }).systems.payment).toBe('http://payment_url.internal');
    expect(loadConfig({}).systems.payment).toBe('http://127.0.0.1:4000');
  });

  it('NODE_ENV=production refuses API_KEYS that contain any development key', () => {
    expect(() =>
      apiKeysFor(
        loadConfig({
          NODE_ENV: 'production',
          API_KEYS: 'real-key-1234567890:orders:order-service,dev-auditor-key-local:auditor:auditor',
        }),
      ),
    ).toThrow(/development keys/);
    expect(() =>
      apiKeysFor(loadConfig({ NODE_ENV: 'production', API_KEYS: ' dev-orders-key-local:orders:orders' })),
    ).toThrow(/development keys/);
    expect(
      apiKeysFor(loadConfig({ NODE_ENV: 'production', API_KEYS: 'real-key-1234567890:orders:order-service' })),
    ).toBe('real-key-1234567890:orders:order-service');
    expect(apiKeysFor(loadConfig({ API_KEYS: 'dev-orders-key-local:orders:order-service' }))).toBe(
      'dev-orders-key-local:orders:order-service',
    );
  });

  it('reads the traffic limits, with defaults, and refuses a weak or unknown webhook secret', () => {
    expect(loadConfig({}).traffic).toMatchObject({
      perIpMax: 1200,
      perKeyMax: 600,
      windowMs: 60_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      replayConcurrency: 1,
      webhookSecrets: {},
      webhookToleranceMs: 300_000,
    });
    const t = loadConfig({
      RATE_LIMIT_PER_IP: '50',
      RATE_LIMIT_WINDOW: '10s',
      REPLAY_CONCURRENCY: '3',
      WEBHOOK_SECRETS: 'wms:0123456789abcdef, carrier:fedcba9876543210xyz',
    }).traffic;
    expect(t).toMatchObject({
      perIpMax: 50,
      windowMs: 10_000,
      replayConcurrency: 3,
      webhookSecrets: { wms: '0123456789abcdef', carrier: 'fedcba9876543210xyz' },
    });
    expect(() => loadConfig({ WEBHOOK_SECRETS: 'wms:short' })).toThrow(/WEBHOOK_SECRETS: system:secret/);
    expect(() => loadConfig({ WEBHOOK_SECRETS: 'bank:0123456789abcdef' })).toThrow(/WEBHOOK_SECRETS/);
    expect(() => loadConfig({ WEBHOOK_SECRETS: 'wms:weak-secret' })).not.toThrow(/weak-secret/); // a secret is never echoed
    expect(() => loadConfig({ RATE_LIMIT_PER_KEY: '0' })).toThrow(/RATE_LIMIT_PER_KEY: at least 1/);
  });
});
