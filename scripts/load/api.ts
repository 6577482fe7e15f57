// The public HTTP API as a backend system calls it: one key per role, waits out 429/503 as asked.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Reply {
  status: number;
  body: Record<string, any>;
  /** an earlier attempt got no clear answer (no reply, or 5xx): it may have taken effect */
  uncertain?: boolean;
}

export class Api {
  constructor(
    readonly base: string,
    private readonly keys: Record<string, string>,
  ) {}

  async call(method: string, path: string, role: string, body?: unknown): Promise<Reply> {
    const key = this.keys[role];
    if (!key) throw new Error(`no API key for role ${role}`);
    let uncertain = false;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${this.base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        text = await res.text();
      } catch (err) {
        // no answer on a busy machine (socket reset): try again; a repeated start answers 200 with the case
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        if (attempt >= 10)
          throw new Error(`${method} ${path}: ${String(err)}${cause ? ` (${cause.code ?? cause.message})` : ''}`, {
            cause: err,
          });
        uncertain = true;
        await sleep(1000);
        continue;
      }
      // throttled or shedding load: the API says when to come back
      if ((res.status === 429 || res.status >= 500) && attempt < 20) {
        if (res.status >= 500) uncertain = true;
        await sleep(Math.min(10, Number(res.headers.get('retry-after')) || 1) * 1000);
        continue;
      }
      return {
        status: res.status,
        body: text ? (JSON.parse(text) as Record<string, any>) : {},
        ...(uncertain ? { uncertain } : {}),
      };
    }
  }

  /** Fails unless the API answered one of `ok`. */
  async expect(method: string, path: string, role: string, body: unknown, ok: number[], what: string): Promise<Reply> {
    const r = await this.call(method, path, role, body);
    if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r;
  }
}
