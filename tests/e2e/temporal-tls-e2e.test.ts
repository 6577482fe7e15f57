// Issue 12: the connection options every process builds from TEMPORAL_* (runtime/temporal-options.ts)
// really connect over TLS: with our CA and server name a client and a worker connection reach the real
// dev server; without the CA, or in plain text, they do not; with mTLS only a client certificate gets in.
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { startTemporalDevServer, type TemporalDevServer } from '../../scripts/stack';
import { connectionBasics } from '../../runtime/temporal-options';
import { makeTestPki, startTlsProxy, type TestPki, type TlsProxy } from '../helpers/tls-proxy';
import { testLog } from '../helpers/test-log';

const SERVER_NAME = 'temporal.shop-ops.test';
let server: TemporalDevServer;
let pki: TestPki;
let proxy: TlsProxy;
let mtlsProxy: TlsProxy;
beforeAll(async () => {
  pki = makeTestPki(SERVER_NAME);
  server = await startTemporalDevServer({ log: testLog });
  const [host, port] = server.address.split(':');
  proxy = await startTlsProxy(pki, { host, port: Number(port) });
  mtlsProxy = await startTlsProxy(pki, { host, port: Number(port) }, { requireClientCert: true });
});
afterAll(async () => {
  await proxy?.close();
  await mtlsProxy?.close();
  await server?.stop();
  pki?.remove();
});

const optionsFrom = (env: Record<string, string>) => connectionBasics(loadConfig(env).temporal.connect);

/** describeNamespace through a client Connection built from the environment: 'ok' or the error. */
async function clientReaches(env: Record<string, string>): Promise<string> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...optionsFrom(env), connectTimeout: 3_000 });
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await connection?.close();
  }
}

async function workerReaches(env: Record<string, string>): Promise<string> {
  try {
    const connection = await NativeConnection.connect(optionsFrom(env));
    await connection.close();
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('TLS with our own CA (TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_SERVER_NAME)', () => {
  const withCa = () => ({
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert,
    TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
  });

  it("the API's client connection and the worker's native connection both reach the server", async () => {
    expect(await clientReaches(withCa())).toBe('ok');
    expect(await workerReaches(withCa())).toBe('ok');
  });

  it('without the CA (system roots only) the server is not trusted: no connection', async () => {
    const before = proxy.refused.length;
    expect(
      await clientReaches({
        TEMPORAL_ADDRESS: proxy.address,
        TEMPORAL_TLS: 'true',
        TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
      }),
    ).not.toBe('ok');
    expect(
      await workerReaches({
        TEMPORAL_ADDRESS: proxy.address,
        TEMPORAL_TLS: 'true',
        TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
      }),
    ).not.toBe('ok');
    expect(proxy.refused.length).toBeGreaterThan(before);
  });

  it('with the CA but another server name the certificate does not match: no connection', async () => {
    expect(await workerReaches({ ...withCa(), TEMPORAL_TLS_SERVER_NAME: 'other.example' })).not.toBe('ok');
  });

  it('plain text to the TLS port gets nowhere', async () => {
    expect(await clientReaches({ TEMPORAL_ADDRESS: proxy.address })).not.toBe('ok');
  });
});

describe('mTLS (TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH)', () => {
  const base = () => ({
    TEMPORAL_ADDRESS: mtlsProxy.address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert,
    TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
  });

  it('with the client certificate both connections get in; without it the server refuses them', async () => {
    const pair = { TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: pki.clientKey };
    expect(await clientReaches({ ...base(), ...pair })).toBe('ok');
    expect(await workerReaches({ ...base(), ...pair })).toBe('ok');
    expect(await clientReaches(base())).not.toBe('ok');
    expect(await workerReaches(base())).not.toBe('ok');
  });
});
