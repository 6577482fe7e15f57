// Ports for a stack: the defaults of `npm start`, and free ones for stacks side by side (tests, load).
import * as fs from 'node:fs';
import * as net from 'node:net';

export interface StackPorts {
  temporalGrpc: number;
  temporalUi: number;
  api: number;
  simulator: number;
  postgres: number;
  /** the worker's Prometheus endpoint; 0 or unset: none */
  workerMetrics?: number;
}

export const DEFAULT_PORTS: StackPorts = {
  temporalGrpc: 7233,
  temporalUi: 8233,
  api: 3000,
  simulator: 4000,
  postgres: 5433,
};

/** The kernel's ephemeral range: ports it hands to listen(0) and outgoing connections. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    // not Linux: the IANA dynamic range
  }
  return [49152, 65535];
}

/** A port the kernel gave out for listen(0) a moment ago: only for servers that bind it at once. */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => {
        if (addr && typeof addr === 'object') resolve(addr.port);
        else reject(new Error('could not get a free port'));
      });
    });
  });
}

/**
 * A TCP port free on 127.0.0.1, chosen below the kernel's ephemeral range: a child binds it seconds
 * later, and in between the kernel hands ephemeral ports to other processes (a Temporal dev server's
 * UI, any outgoing connection), so one taken from that range can be gone by then (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  const [lo] = ephemeralRange();
  const min = 20_000;
  if (lo - min > 1000) {
    for (let i = 0; i < 50; i++) {
      const port = min + Math.floor(Math.random() * (lo - min));
      if (!(await portInUse(port))) return port;
    }
  }
  return kernelPort();
}

/** Free ports for every component, for tests running stacks side by side. */
export async function freePorts(): Promise<StackPorts> {
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort());
  const [temporalGrpc, temporalUi, api, simulator, postgres] = [...ports];
  return { temporalGrpc, temporalUi, api, simulator, postgres };
}

export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}

/** Refuses to start on a port something else holds, naming what the port was for. */
export async function assertPortsFree(wanted: Array<[what: string, port: number]>): Promise<void> {
  for (const [what, port] of wanted) {
    if (await portInUse(port)) {
      throw new Error(
        `Port ${port} (${what}) is already in use on 127.0.0.1. Is another stack running? Stop it or choose other ports.`,
      );
    }
  }
}

export function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}
