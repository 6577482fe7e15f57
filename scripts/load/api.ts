// The public HTTP API as a backend system calls it: one key per role, waits out 429/503 as asked.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Reply {
  status: number;
  body: Record<string, any>;
}

export class Api {
  constructor(
    readonly base: string,
    private readonly keys: Record<string, string>,
  ) {}

  async call(method: string, path: string, role: string, body?: unknown): Promise<Reply> {
    const key = this.keys[role];
    if (!key) throw new Error(`no API key for role ${role}`);
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      // throttled or shedding load: the API says when to come back (a repeated start answers 200 with the case)
      if ((res.status === 429 || res.status === 503) && attempt < 20) {
        await sleep(Math.min(10, Number(res.headers.get('retry-after')) || 1) * 1000);
        continue;
      }
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
    }
  }

  /** Fails unless the API answered one of `ok`. */
  async expect(method: string, path: string, role: string, body: unknown, ok: number[], what: string): Promise<Reply> {
    const r = await this.call(method, path, role, body);
    if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r;
  }
}
