// Delivers one event to our API the way a real partner would: retry on network errors, 5xx, 408 and 429
// with backoff (a 429's Retry-After when it asks for longer), give up on other 4xx (our API rejected it;
// retrying cannot help). With a secret, each attempt
// is signed: X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">.
import { createHmac } from 'node:crypto';
import { request } from 'undici';

export interface DeliveryRecord {
  url: string;
  eventId: string;
  type: string;
  outcome: 'delivered' | 'rejected' | 'gave_up' | 'cancelled';
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  at: string;
}

export interface DeliveryOptions {
  url: string;
  key: string;
  body: { eventId: string; type: string };
  /** HMAC secret of the receiving route's system, when the API checks signatures */
  secret?: string;
  attempts: number;
  baseDelayMs: number;
  timeoutMs: number;
  /** Aborted on reset/close: stop at once, mid-request included. */
  signal: AbortSignal;
  sleep: (ms: number) => Promise<void>;
}

/** The longest a 429's Retry-After is waited out before the next attempt. */
export const MAX_RETRY_AFTER_MS = 60_000;

export async function deliverWebhook(o: DeliveryOptions): Promise<DeliveryRecord> {
  const rec: DeliveryRecord = {
    url: o.url,
    eventId: o.body.eventId,
    type: o.body.type,
    outcome: 'gave_up',
    attempts: 0,
    at: '',
  };
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    if (o.signal.aborted) return done(rec, 'cancelled');
    rec.attempts = attempt;
    let askedMs = 0;
    try {
      const body = JSON.stringify(o.body);
      // undici's request(), as the worker's clients: fetch() costs ~0.3 ms more CPU a call
      const res = await request(o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${o.key}`,
          ...(o.secret ? { 'x-signature': signature(o.secret, body) } : {}),
        },
        body,
        signal: o.signal,
        headersTimeout: o.timeoutMs,
        bodyTimeout: o.timeoutMs,
      });
      const status = res.statusCode;
      rec.lastStatus = status;
      await res.body.dump().catch(() => undefined); // drain, so the connection is reused
      if (status >= 200 && status < 300) return done(rec, 'delivered');
      // throttled (429) or timed out (408): the same event later, not a rejection
      if (status < 500 && status !== 429 && status !== 408) return done(rec, 'rejected');
      rec.lastError = `HTTP ${status}`;
      if (status === 429) askedMs = Math.min(MAX_RETRY_AFTER_MS, (Number(res.headers['retry-after']) || 0) * 1000);
    } catch (err) {
      if (o.signal.aborted) return done(rec, 'cancelled');
      rec.lastError = err instanceof Error ? err.message : String(err);
    }
    if (attempt < o.attempts) await o.sleep(Math.max(o.baseDelayMs * 2 ** (attempt - 1), askedMs));
  }
  return done(rec, o.signal.aborted ? 'cancelled' : 'gave_up');
}

/** A fresh timestamp per attempt: a retry is a new signed call, not a replay. */
function signature(secret: string, body: string): string {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

function done(rec: DeliveryRecord, outcome: DeliveryRecord['outcome']): DeliveryRecord {
  rec.outcome = outcome;
  rec.at = new Date().toISOString();
  return rec;
}
