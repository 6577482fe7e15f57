// AES-256-GCM over whole payloads: Temporal (server, Web UI, history exports, our archive) only ever
// holds ciphertext. Runs in clients and workers, never inside the workflow sandbox.
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PayloadKeys } from './payload-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export class PayloadKeyError extends Error {
  override name = 'PayloadKeyError';
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keys.currentKeyId;
    const key = this.keys.keys.get(keyId)!;
    return payloads.map((payload) => ({
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(keyId) },
      data: encrypt(key, keyId, temporal.api.common.v1.Payload.encode(payload).finish()),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload; // written before encryption, or not ours
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
      const key = keyId ? this.keys.keys.get(keyId) : undefined;
      if (!keyId || !key)
        throw new PayloadKeyError(`payload encrypted with key "${keyId ?? '?'}", which is not in PAYLOAD_KEYS`);
      return temporal.api.common.v1.Payload.decode(decrypt(key, keyId, Buffer.from(payload.data ?? [])));
    });
  }
}

/** iv | ciphertext | tag; the key id is authenticated too, so a payload cannot be relabelled. */
function encrypt(key: Buffer, keyId: string, plain: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(utf8(keyId));
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function decrypt(key: Buffer, keyId: string, data: Buffer): Buffer {
  if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadKeyError('encrypted payload is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
  decipher.setAAD(utf8(keyId));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
}
