// Cluster mode (issue 13 item 7): the full Temporal server's config and commands, generated from the Go
// module's files. The fixture is the module's config/development-postgres12.yaml at v1.32.2, unchanged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goEnvValue, goInstallArgs } from '../../scripts/stack/cluster-bin';
import {
  clusterConfig,
  clusterPorts,
  schemaCommands,
  serverArgs,
  sqlToolEnv,
} from '../../scripts/stack/temporal-cluster';

const template = readFileSync(join(__dirname, 'fixtures', 'temporal-development-postgres12.yaml'), 'utf8');

describe('cluster mode', () => {
  it("reads go env's value past the toolchain download line a fresh machine prints first", () => {
    expect(goEnvValue('go: downloading go1.27.3 (linux-amd64)\n/root/go/pkg/mod\n')).toBe('/root/go/pkg/mod');
    expect(goEnvValue('/root/go/pkg/mod\n')).toBe('/root/go/pkg/mod');
  });

  it('takes the ten ports after the frontend, PostgreSQL on the tenth (4110: 4111..4120)', async () => {
    const p = await clusterPorts(4110);
    expect(p.postgres).toBe(4120);
    const all = [p.frontend, ...p.others().map(([, port]) => port)];
    expect(all.sort()).toEqual([4110, 4111, 4112, 4113, 4114, 4115, 4116, 4117, 4118, 4119, 4120]);
  });

  it("skips the stack's own ports when they follow the frontend (a test stack's 4210..4215)", async () => {
    const p = await clusterPorts(4212, false, [4210, 4211, 4213, 4214, 4215]);
    const all = [p.frontend, ...p.others().map(([, port]) => port)];
    expect(all.sort()).toEqual([4212, 4216, 4217, 4218, 4219, 4220, 4221, 4222, 4223, 4224, 4225]);
    expect(p.postgres).toBe(4225);
  });

  it("keeps the module's 4 history shards and moves every port, the database and the dynamic config", async () => {
    const p = await clusterPorts(4110);
    const out = clusterConfig(template, p, '/data/dc.yaml');
    expect(out).toMatch(/numHistoryShards: 4/);
    expect(out.match(/connectAddr: "127\.0\.0\.1:4120"/g)).toHaveLength(2);
    expect(out.match(/user: "postgres"/g)).toHaveLength(2);
    for (const port of [p.frontend, p.history, p.matching, p.worker]) expect(out).toContain(`grpcPort: ${port}\n`);
    expect(out).toContain(`httpPort: ${p.frontendHttp}`);
    expect(out).toContain(`rpcAddress: "127.0.0.1:4110"`);
    expect(out).toContain('filepath: "/data/dc.yaml"');
    expect(out).toMatch(/level: warn/);
    // none of the module's own ports is left to collide with a server run elsewhere
    expect(out).not.toMatch(/\b(5432|7233|7234|7235|7239|6933|6934|6935|6939|7243|7936|8000)\b/);
  });

  it('refuses a template whose layout changed, instead of starting on the wrong ports', async () => {
    expect(() => clusterConfig(template.replace('grpcPort: 7235', 'grpcPort: 17235'), {} as never, 'x')).toThrow(
      /no grpcPort: 7235/,
    );
  });

  it('sets up the schema from the module folders: setup only on a fresh database, then update, for both databases', () => {
    const fresh = schemaCommands('/mod', true).map((a) => a.join(' '));
    expect(fresh).toEqual([
      '--db temporal setup-schema -v 0.0',
      '--db temporal update-schema -d /mod/schema/postgresql/v12/temporal/versioned',
      '--db temporal_visibility setup-schema -v 0.0',
      '--db temporal_visibility update-schema -d /mod/schema/postgresql/v12/visibility/versioned',
    ]);
    expect(schemaCommands('/mod', false).map((a) => a[2])).toEqual(['update-schema', 'update-schema']);
    expect(sqlToolEnv(4120)).toMatchObject({ SQL_PLUGIN: 'postgres12', SQL_PORT: '4120', SQL_HOST: '127.0.0.1' });
  });

  it('builds the pinned server and sql tool with go install, and starts the development-postgres12 environment', () => {
    expect(goInstallArgs()).toEqual([
      'install',
      'go.temporal.io/server/cmd/server@v1.32.2',
      'go.temporal.io/server/cmd/tools/sql@v1.32.2',
    ]);
    expect(serverArgs('/d')).toEqual([
      '--root',
      '/d',
      '--config',
      'config',
      '--env',
      'development-postgres12',
      '--allow-no-auth',
      'start',
    ]);
  });
});
