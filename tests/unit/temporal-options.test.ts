// Issue 12: one set of Temporal connection options for API, worker, replay and scripts, from the SDK's
// standard TEMPORAL_* variables (TLS, mTLS, API key, namespace). tests/api/temporal-tls.test.ts connects for real.
import { loadConfig } from '../../config';

describe('Temporal connection options from the environment (TEMPORAL_*, read by @temporalio/envconfig)', () => {
  it('plain address and namespace by default; TLS with our CA, server name, client pair and API key when set', () => {
    expect(loadConfig({}).temporal.connect).toEqual({ address: 'localhost:7233', namespace: 'default' });
    const c = loadConfig({
      TEMPORAL_ADDRESS: 'shop.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'shop.a1b2c',
      TEMPORAL_API_KEY: 'secret-api-key',
      TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'CA PEM',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      TEMPORAL_TLS_CLIENT_CERT_DATA: 'CERT PEM',
      TEMPORAL_TLS_CLIENT_KEY_DATA: 'KEY PEM',
    }).temporal;
    expect(c).toMatchObject({ address: 'shop.a1b2c.tmprl.cloud:7233', namespace: 'shop.a1b2c' });
    expect(c.connect).toMatchObject({
      address: 'shop.a1b2c.tmprl.cloud:7233',
      namespace: 'shop.a1b2c',
      apiKey: 'secret-api-key',
      tls: { serverNameOverride: 'temporal.internal' },
    });
    const tls = c.connect.tls as {
      serverRootCACertificate: Uint8Array;
      clientCertPair: { crt: Uint8Array; key: Uint8Array };
    };
    expect(
      [tls.serverRootCACertificate, tls.clientCertPair.crt, tls.clientCertPair.key].map((b) =>
        Buffer.from(b).toString(),
      ),
    ).toEqual(['CA PEM', 'CERT PEM', 'KEY PEM']);
    expect(loadConfig({ TEMPORAL_API_KEY: 'k' }).temporal.connect.tls).toBe(true); // an API key implies TLS
    expect(() => loadConfig({ TEMPORAL_TLS: 'maybe' })).toThrow(/TEMPORAL_TLS: true or false/);
  });
});
