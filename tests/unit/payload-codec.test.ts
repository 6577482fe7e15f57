// O11 / issue 12: payloads are encrypted (AES-256-GCM) before they reach Temporal; the key id travels in
// the payload, so after a rotation old payloads still decrypt. Development has a key; production needs one.
import { defaultPayloadConverter } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { loadConfig, payloadKeysFor } from '../../config';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../runtime/payload-codec';
import { decodeJsonTree, payloadToJson } from '../../runtime/payload-json';
import { parsePayloadKeys } from '../../runtime/payload-keys';

const key = () => randomBytes(32).toString('base64');
const buyer = { name: '张三', phone: '13812341234' };
const plain = () => defaultPayloadConverter.toPayload(buyer);
const text = (b?: Uint8Array | null) => Buffer.from(b ?? []).toString('utf8');

describe('EncryptionCodec', () => {
  it('encrypts a payload whole: encoding binary/encrypted, the key id in metadata, no clear text; decode gives it back', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(`k1:${key()}`));
    const [enc] = await codec.encode([plain()]);
    expect(text(enc.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(enc.metadata![KEY_ID_METADATA])).toBe('k1');
    expect(Buffer.from(enc.data!).includes(Buffer.from(buyer.phone))).toBe(false);
    expect(Buffer.from(enc.data!).includes(Buffer.from(buyer.name))).toBe(false);
    const [dec] = await codec.decode([enc]);
    expect(defaultPayloadConverter.fromPayload(dec)).toEqual(buyer);
  });

  it('uses a fresh IV each time: the same payload encrypts differently', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(`k1:${key()}`));
    const [a, b] = await codec.encode([plain(), plain()]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('rotation: encrypts with PAYLOAD_KEY_ID and still decrypts what an older listed key encrypted', async () => {
    const [k1, k2] = [key(), key()];
    const [old] = await new EncryptionCodec(parsePayloadKeys(`k1:${k1}`)).encode([plain()]);
    const rotated = new EncryptionCodec(parsePayloadKeys(`k1:${k1},k2:${k2}`, 'k2'));
    const [fresh] = await rotated.encode([plain()]);
    expect(text(fresh.metadata![KEY_ID_METADATA])).toBe('k2');
    expect((await rotated.decode([old, fresh])).map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      buyer,
      buyer,
    ]);
  });

  it('refuses a payload whose key was dropped, a changed byte, and a relabelled key id', async () => {
    const [k1, k2] = [key(), key()];
    const [enc] = await new EncryptionCodec(parsePayloadKeys(`k1:${k1}`)).encode([plain()]);
    await expect(new EncryptionCodec(parsePayloadKeys(`k2:${k2}`)).decode([enc])).rejects.toThrow(
      /key "k1", which is not in PAYLOAD_KEYS/,
    );
    const codec = new EncryptionCodec(parsePayloadKeys(`k1:${k1},k2:${k1}`, 'k1'));
    const flipped = { ...enc, data: Buffer.from(enc.data!) };
    flipped.data[20] ^= 1;
    await expect(codec.decode([flipped])).rejects.toThrow();
    const relabelled = { ...enc, metadata: { ...enc.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(); // same key bytes, but the id is authenticated
  });

  it('passes payloads that were never encrypted through unchanged (histories from before encryption)', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(`k1:${key()}`));
    expect(await codec.decode([plain()])).toEqual([plain()]);
  });

  it('decodes every payload inside a history JSON, wherever it sits', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(`k1:${key()}`));
    const [a, b] = (await codec.encode([plain(), defaultPayloadConverter.toPayload('boom')])).map(payloadToJson);
    const history = { events: [{ input: { payloads: [a] } }, { failure: { encodedAttributes: b } }] };
    const decoded = await decodeJsonTree([codec], history);
    expect(JSON.parse(Buffer.from(decoded.events[0].input!.payloads[0].data!, 'base64').toString())).toEqual(buyer);
    expect(Buffer.from(decoded.events[1].failure!.encodedAttributes.data!, 'base64').toString()).toBe('"boom"');
    expect(history.events[0].input!.payloads[0]).toBe(a); // the original is left as it was
  });
});

describe('PAYLOAD_KEYS', () => {
  it('needs id:base64 of 32 bytes, and PAYLOAD_KEY_ID naming a listed key when there are several', () => {
    expect(() => parsePayloadKeys('k1:abcd')).toThrow(/32 bytes/);
    expect(() => parsePayloadKeys(key())).toThrow(/id:base64key/);
    expect(() => parsePayloadKeys(`a:${key()},b:${key()}`)).toThrow(/PAYLOAD_KEY_ID must name/);
    expect(() => parsePayloadKeys(`a:${key()}`, 'b')).toThrow(/"b" is not in PAYLOAD_KEYS/);
    const secret = key();
    try {
      parsePayloadKeys(`a:${secret.slice(0, 20)}`);
    } catch (err) {
      expect((err as Error).message).not.toContain(secret.slice(0, 20)); // keys are never echoed
    }
  });

  it('development falls back to the fixed dev key; NODE_ENV=production refuses to start without PAYLOAD_KEYS', () => {
    expect(payloadKeysFor(loadConfig({})).currentKeyId).toBe('dev-1');
    expect(() => payloadKeysFor(loadConfig({ NODE_ENV: 'production' }))).toThrow(
      /NODE_ENV=production needs PAYLOAD_KEYS/,
    );
    const k = key();
    expect(payloadKeysFor(loadConfig({ NODE_ENV: 'production', PAYLOAD_KEYS: `prod-7:${k}` })).currentKeyId).toBe(
      'prod-7',
    );
  });
});
