// `npm run load` flags.
export interface LoadArgs {
  n: number;
  concurrency: number;
  auditShare: number;
  refundShare: number;
  complaintShare: number;
  timeoutMs: number;
  /** external calls per baseline flow; unset: counted from a delivered order of this run */
  baselineCalls?: number;
  /** signals per baseline flow, as an order's webhooks and decisions come in; unset: counted from that order */
  baselineEvents?: number;
  /** a running stack; all three or none */
  api?: string;
  sim?: string;
  temporal?: string;
  namespace: string;
  /** the stack this run starts: the dev server (default) or the full server on PostgreSQL */
  temporalMode: 'dev' | 'cluster';
  /** leave the stack it started running after the table (for a bulk replay or a look), until Ctrl-C */
  keep: boolean;
}

export const USAGE = `usage: npm run load -- [--n 100] [--concurrency 10] [--audit-share 0.2] [--refund-share 0.2] [--complaint-share 0.2]
       [--timeout 10m] [--baseline-calls N] [--baseline-events N] [--temporal-mode dev|cluster] [--keep true]
       [--api URL --sim URL --temporal HOST:PORT [--namespace default]]`;

function duration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v);
  if (!m) throw new Error(`--timeout: a duration like 90s or 10m, got "${v}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm'];
}

export function parseArgs(argv: string[]): LoadArgs {
  const out: LoadArgs = {
    n: 100,
    concurrency: 10,
    auditShare: 0.2,
    refundShare: 0.2,
    complaintShare: 0.2,
    timeoutMs: 600_000,
    namespace: 'default',
    keep: false,
    temporalMode: 'dev',
  };
  const int = (flag: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag}: a whole number >= ${min}, got "${v}"`);
    return n;
  };
  const share = (flag: string, v: string) => {
    const n = Number(v);
    if (!(n >= 0 && n <= 1)) throw new Error(`${flag}: a share between 0 and 1, got "${v}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    switch (flag) {
      case '--n':
        out.n = int(flag, v, 1);
        break;
      case '--concurrency':
        out.concurrency = int(flag, v, 1);
        break;
      case '--audit-share':
        out.auditShare = share(flag, v);
        break;
      case '--refund-share':
        out.refundShare = share(flag, v);
        break;
      case '--complaint-share':
        out.complaintShare = share(flag, v);
        break;
      case '--timeout':
        out.timeoutMs = duration(v);
        break;
      case '--baseline-calls':
        out.baselineCalls = int(flag, v, 1);
        break;
      case '--baseline-events':
        out.baselineEvents = int(flag, v, 0);
        break;
      case '--api':
        out.api = v.replace(/\/$/, '');
        break;
      case '--sim':
        out.sim = v.replace(/\/$/, '');
        break;
      case '--temporal':
        out.temporal = v;
        break;
      case '--namespace':
        out.namespace = v;
        break;
      case '--keep':
        if (v !== 'true' && v !== 'false') throw new Error(`--keep: true or false, got "${v}"`);
        out.keep = v === 'true';
        break;
      case '--temporal-mode':
        if (v !== 'dev' && v !== 'cluster') throw new Error(`--temporal-mode: dev or cluster, got "${v}"`);
        out.temporalMode = v;
        break;
      default:
        throw new Error(`unknown flag ${flag}\n${USAGE}`);
    }
  }
  const given = [out.api, out.sim, out.temporal].filter(Boolean).length;
  if (given !== 0 && given !== 3) throw new Error(`--api, --sim and --temporal go together\n${USAGE}`);
  if (given && out.temporalMode === 'cluster') throw new Error('--temporal-mode starts a stack: not with --api');
  if (given && out.keep) throw new Error('--keep keeps the stack this run starts: not with --api');
  if (out.refundShare + out.complaintShare > 1)
    throw new Error('--refund-share and --complaint-share add up to more than 1');
  return out;
}
