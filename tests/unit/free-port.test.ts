import { readFileSync } from 'node:fs';
import net from 'node:net';
import { freePort, freePorts } from '../../scripts/stack';

const ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

const bind = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const srv = net.createServer().once('error', reject);
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });

describe('free ports for a stack', () => {
  it('are chosen below the kernel ephemeral range, so listen(0) elsewhere cannot take them before the child binds', async () => {
    const ports = Object.values(await freePorts());
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) {
      expect(port).toBeLessThan(ephemeralLow);
      await bind(port);
    }
  });

  it('skip a port that is already bound', async () => {
    const taken = await freePort();
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(taken, '127.0.0.1', () => r()));
    try {
      for (let i = 0; i < 20; i++) expect(await freePort()).not.toBe(taken);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });
});
