/**
 * `npm run replay:record [-- --only order] [-- --api http://127.0.0.1:3000]`
 *
 * Produces tests/replay/histories/<type>-<scenario>.json from real runs: starts the whole stack on
 * free ports (in-memory Temporal dev server, simulator moving shipments on its own, worker, API) with
 * short deadlines (POLICY_OVERRIDES from each process's scenarios) so breach paths happen in seconds,
 * drives every scenario of scripts/scenarios over the HTTP API, waits for each case to close, and
 * writes its history as GET /v1/workflows/:id/history?payloads=encrypted serves it: encrypted with the
 * test key (scripts/scenarios/payload-keys.ts), so the files hold no personal data in clear. A case that continued as new gets
 * one file per earlier run too (<name>-run1.json, ...). With --api it uses a running stack instead
 * (start that one with the same POLICY_OVERRIDES; keys from API_KEYS or the development keys).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROCESS_SCENARIOS } from './scenarios';
import { TEST_PAYLOAD_KEYS } from './scenarios/payload-keys';
import type { ApiCaller, Role } from './scenarios/types';
import { freePorts, startStack, type Stack } from './stack';
import { projectRoot } from './temporal-bin';
import { DEV_API_KEYS, keyNamed, keysByRole } from '../config';

const OUT_DIR = join(projectRoot(), 'tests', 'replay', 'histories');
const CLOSED = /EVENT_TYPE_WORKFLOW_EXECUTION_(COMPLETED|FAILED|TIMED_OUT|CANCELED|TERMINATED|CONTINUED_AS_NEW)/;

/** The first key of each role, and as `approver` the key named head-of-marketing. */
function keysFor(spec: string): Record<Role, string> {
  return { ...keysByRole(spec), approver: keyNamed(spec, 'head-of-marketing') ?? '' } as Record<Role, string>;
}

function caller(baseUrl: string, keys: Record<string, string>, tag: string): ApiCaller {
  const call: ApiCaller['call'] = async (method, path, role, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${keys[role]}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  let n = 0;
  return {
    call,
    id: (prefix) => `${prefix}-${tag}-${++n}`,
    async until(path, ok, what) {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const res = await call('GET', path, 'support');
        if (res.status === 200 && ok(res.body)) return res.body;
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what}; last answer ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
          );
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
}

/** The closed history of one run, through the auditors' route. */
async function closedHistory(api: ApiCaller, workflowId: string, runId?: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await api.call(
      'GET',
      `/v1/workflows/${encodeURIComponent(workflowId)}/history?payloads=encrypted${runId ? `&runId=${runId}` : ''}`,
      'auditor',
    );
    if (res.status !== 200) throw new Error(`history of ${workflowId}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    const events = res.body.events as Record<string, any>[];
    if (CLOSED.test(String(events[events.length - 1]?.eventType))) return res.body;
    if (Date.now() > deadline) throw new Error(`${workflowId} did not close`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One event per line: small, and a diff shows which events changed. */
export function historyFileText(events: unknown[]): string {
  return `{"events": [\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`;
}

async function record(api: ApiCaller, only?: string): Promise<string[]> {
  mkdirSync(OUT_DIR, { recursive: true });
  const jobs = PROCESS_SCENARIOS.filter((p) => !only || p.type === only).flatMap((p) =>
    p.scenarios.map(async (s) => {
      const workflowId = await s.run(api);
      const files: string[] = [];
      // the last run, then earlier runs back through continue-as-new
      const runs: Record<string, any>[] = [await closedHistory(api, workflowId)];
      for (let prev = runs[0].events[0].workflowExecutionStartedEventAttributes?.continuedExecutionRunId; prev;) {
        const h = await closedHistory(api, workflowId, prev);
        runs.unshift(h);
        prev = h.events[0].workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      }
      runs.forEach((h, i) => {
        const file = join(OUT_DIR, `${p.type}-${s.name}${i < runs.length - 1 ? `-run${i + 1}` : ''}.json`);
        writeFileSync(file, historyFileText(h.events));
        files.push(`${file} (${h.events.length} events)`);
      });
      console.log(`recorded ${p.type}/${s.name}: ${workflowId}`);
      return files;
    }),
  );
  return (await Promise.all(jobs)).flat();
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const only = opt('--only');
  const tag = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  let stack: Stack | undefined;
  let dataDir: string | undefined;
  try {
    let api: ApiCaller;
    if (opt('--api')) {
      api = caller(opt('--api')!, keysFor(process.env.API_KEYS ?? DEV_API_KEYS), tag);
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'record-histories-'));
      chmodSync(dataDir, 0o755);
      const overrides = Object.fromEntries(PROCESS_SCENARIOS.map((p) => [p.section ?? p.type, p.policy]));
      console.log(`starting the stack (POLICY_OVERRIDES=${JSON.stringify(overrides)})`);
      stack = await startStack({
        dataDir,
        ports: await freePorts(),
        temporalDbFile: null,
        simAutoProgress: true,
        simStepDelayMs: 150,
        persistentDb: false,
        payloadKeys: TEST_PAYLOAD_KEYS,
        env: { POLICY_OVERRIDES: JSON.stringify(overrides), ARCHIVE_INTERVAL_MS: '0' },
      });
      api = caller(stack.urls.api, keysFor(stack.env.API_KEYS!), tag);
    }
    const files = await record(api, only);
    console.log(`wrote ${files.length} histories:\n  ${files.map((f) => resolve(f)).join('\n  ')}`);
  } finally {
    await stack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error('recording failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
