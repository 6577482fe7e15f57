// One small HTTP helper for every external system: base URL from config, a timeout on
// every call, and an Idempotency-Key on every mutating call.
export class HttpError extends Error {
  constructor(
    readonly system: string,
    readonly status: number,
    readonly body: unknown,
    /** 5xx, 408, 429 and network trouble are worth retrying; other 4xx are business answers. */
    readonly retryable: boolean,
  ) {
    super(`${system} answered HTTP ${status}`);
    this.name = 'HttpError';
  }
}

export interface HttpClientOptions {
  system: string;
  baseUrl: string;
  timeoutMs?: number;
}

export interface HttpClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown, idempotencyKey?: string): Promise<T>;
}

export function createHttpClient({ system, baseUrl, timeoutMs = 5_000 }: HttpClientOptions): HttpClient {
  const base = baseUrl.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // Timeout or connection failure: the call may or may not have happened, so retry with the same key.
      throw new HttpError(system, 0, { error: (err as Error).name }, true);
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = { raw: text.slice(0, 200) };
    }
    if (!res.ok) {
      const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
      throw new HttpError(system, res.status, parsed, retryable);
    }
    return parsed as T;
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body, key) => call('POST', path, body, key),
  };
}
