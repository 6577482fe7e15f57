// The public HTTP API as a backend system calls it: one key per role, waits out 429/503 as asked.
// undici's request(), as the worker's clients: the generator's own CPU counts in the project's phase.
import { request, type Dispatcher } from 'undici';

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
      let res: Dispatcher.ResponseData;
      let text: string;
      try {
        res = await request(`${this.base}${path}`, {
          method: method as Dispatcher.HttpMethod,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        text = await res.body.text();
      } catch (err) {
        // no answer on a busy machine (socket reset): try again; a repeated start answers 200 with the case
        // undici names the failure in `code` (ECONNRESET, UND_ERR_SOCKET, ...)
        const code = (err as { code?: string }).code;
        if (attempt >= 10)
          throw new Error(`${method} ${path}: ${String(err)}${code ? ` (${code})` : ''}`, { cause: err });
        uncertain = true;
        await sleep(1000);
        continue;
      }
      const status = res.statusCode;
      // throttled or shedding load: the API says when to come back
      if ((status === 429 || status >= 500) && attempt < 20) {
        if (status >= 500) uncertain = true;
        await sleep(Math.min(10, Number(res.headers['retry-after']) || 1) * 1000);
        continue;
      }
      return {
        status,
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
