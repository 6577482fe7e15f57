// Payloads as proto3 JSON ({metadata: {k: base64}, data: base64}), the form of history files and of the
// remote codec protocol the Temporal Web UI speaks; and decoding every payload inside a history JSON.
import type { Payload, PayloadCodec } from '@temporalio/common';

export interface PayloadJson {
  metadata?: Record<string, string>;
  data?: string;
}

export function payloadFromJson(p: PayloadJson): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

export function payloadToJson(p: Payload): PayloadJson {
  const metadata = Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  );
  return { metadata, ...(p.data && p.data.length ? { data: Buffer.from(p.data).toString('base64') } : {}) };
}

export async function decodePayloadsJson(codecs: PayloadCodec[], payloads: PayloadJson[]): Promise<PayloadJson[]> {
  let out = payloads.map(payloadFromJson);
  for (const codec of [...codecs].reverse()) out = await codec.decode(out);
  return out.map(payloadToJson);
}

export async function encodePayloadsJson(codecs: PayloadCodec[], payloads: PayloadJson[]): Promise<PayloadJson[]> {
  let out = payloads.map(payloadFromJson);
  for (const codec of codecs) out = await codec.encode(out);
  return out.map(payloadToJson);
}

const isPayload = (v: unknown): v is PayloadJson => {
  const m = (v as PayloadJson | null)?.metadata;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.encoding === 'string' &&
    Object.values(m).every((x) => typeof x === 'string')
  );
};

/** A copy of `json` (a history, or any part of one) with every payload decoded, wherever it sits. */
export async function decodeJsonTree<T>(codecs: PayloadCodec[], json: T): Promise<T> {
  const found: { holder: Record<string, unknown> | unknown[]; key: string | number; payload: PayloadJson }[] = [];
  const copy = structuredClone(json);
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (isPayload(value))
        found.push({
          holder: node as Record<string, unknown>,
          key: Array.isArray(node) ? Number(key) : key,
          payload: value,
        });
      else walk(value);
    }
  };
  walk(copy);
  const decoded = await decodePayloadsJson(
    codecs,
    found.map((f) => f.payload),
  );
  found.forEach((f, i) => ((f.holder as Record<string | number, unknown>)[f.key] = decoded[i]));
  return copy;
}
