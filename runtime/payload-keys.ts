// Payload encryption keys from the environment: PAYLOAD_KEYS="id:base64key,..." and PAYLOAD_KEY_ID,
// the one new payloads are encrypted with. Older keys stay listed so what they encrypted still decrypts.

export interface PayloadKeys {
  /** key id -> 32-byte AES-256 key */
  keys: Map<string, Buffer>;
  /** the key id used to encrypt */
  currentKeyId: string;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function parsePayloadKeys(spec: string, currentKeyId?: string): PayloadKeys {
  const keys = new Map<string, Buffer>();
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at);
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    // the value itself is never echoed: it is a secret
    if (at < 1 || !KEY_ID.test(id))
      throw new Error('PAYLOAD_KEYS entries need the form id:base64key (id: letters, digits, . _ -)');
    if (key.length !== 32)
      throw new Error(`PAYLOAD_KEYS key "${id}" must be 32 bytes in base64 (AES-256), got ${key.length}`);
    if (keys.has(id)) throw new Error(`PAYLOAD_KEYS names key "${id}" twice`);
    keys.set(id, key);
  }
  if (keys.size === 0) throw new Error('PAYLOAD_KEYS has no keys');
  const current = currentKeyId ?? (keys.size === 1 ? [...keys.keys()][0] : undefined);
  if (!current) throw new Error('PAYLOAD_KEYS has several keys: PAYLOAD_KEY_ID must name the one to encrypt with');
  if (!keys.has(current)) throw new Error(`PAYLOAD_KEY_ID "${current}" is not in PAYLOAD_KEYS`);
  return { keys, currentKeyId: current };
}
