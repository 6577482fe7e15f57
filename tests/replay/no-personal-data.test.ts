// O11 / issue 12: the recorded histories live in git forever, so they must hold no personal data: not in
// clear, and not behind base64 either (every payload is encrypted with the test key). They still replay
// (tests/replay/replay.test.ts), decrypted with that key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENCRYPTED_ENCODING } from '../../runtime/payload-codec';
import { decodeJsonTree } from '../../runtime/payload-json';
import { CUSTOMER } from '../../scripts/scenarios/types';
import { HISTORIES_DIR, recordedHistories } from '../helpers/audit';
import { testDataConverter } from '../helpers/payload-codec';

const PHONE = /1[3-9]\d{9}/;
const SEEDED = [CUSTOMER.name, CUSTOMER.phone, '文三路'];
const recorded = recordedHistories();

/** The file's text, plus every base64 field decoded: what anyone with the file can read without a key. */
function readable(json: unknown): string {
  const parts: string[] = [JSON.stringify(json)];
  const walk = (node: unknown) => {
    if (typeof node === 'string' && /^[A-Za-z0-9+/]{8,}={0,2}$/.test(node))
      parts.push(Buffer.from(node, 'base64').toString('utf8'));
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(json);
  return parts.join('\n');
}

/** Every payload but search attributes (the server must index them; ours hold no personal data) and
 * the SDK's patch markers (a patch id): those the codec never sees. */
const payloadsOf = (json: unknown): { metadata: Record<string, string> }[] => {
  const found: { metadata: Record<string, string> }[] = [];
  const walk = (node: unknown, key: string) => {
    if (!node || typeof node !== 'object' || key === 'searchAttributes' || key === 'patch-data') return;
    const m = (node as { metadata?: Record<string, string> }).metadata;
    if (m && typeof m.encoding === 'string') found.push(node as { metadata: Record<string, string> });
    else Object.entries(node).forEach(([k, v]) => walk(v, k));
  };
  walk(json, '');
  return found;
};

describe('O11: recorded histories hold no personal data', () => {
  it.each(recorded.map((r) => [r.file]))(
    '%s: no phone number and no seeded name or street, in clear or in base64',
    (file) => {
      const text = readable(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')));
      expect(text.match(PHONE)?.[0]).toBeUndefined();
      expect(SEEDED.filter((s) => text.includes(s))).toEqual([]);
    },
  );

  it('every payload the codec sees is encrypted (binary/encrypted, with its key id): inputs, results, memo, signals, updates', () => {
    const encodings = new Set(
      recorded.flatMap((r) => payloadsOf(r.json).map((p) => Buffer.from(p.metadata.encoding, 'base64').toString())),
    );
    expect([...encodings]).toEqual([ENCRYPTED_ENCODING]);
    expect(recorded.flatMap((r) => payloadsOf(r.json)).every((p) => !!p.metadata['encryption-key-id'])).toBe(true);
  });

  it('the check can fail: decrypted with the test key, the order histories show the buyer', async () => {
    const order = recorded.find((r) => r.file === 'order-delivered.json')!;
    const decoded = readable(await decodeJsonTree(testDataConverter().payloadCodecs!, order.json));
    expect(decoded).toContain(CUSTOMER.name);
    expect(decoded).toMatch(PHONE);
  });
});
