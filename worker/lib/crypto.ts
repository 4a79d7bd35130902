/** Small Web Crypto helpers: hashing of opaque tokens, random tokens, secrets at rest. */

const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** 256 bits of randomness, URL-safe: refresh tokens and invite tokens. */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Hex SHA-256: opaque tokens are stored as their hash, so a database leak does not leak sessions. */
export async function sha256Hex(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function aesKey(secretBase64: string): Promise<CryptoKey> {
  let key = keyCache.get(secretBase64);
  if (!key) {
    const raw = fromBase64(secretBase64);
    if (raw.length !== 32) throw new Error('Encryption keys must be 32 bytes, base64-encoded.');
    key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    keyCache.set(secretBase64, key);
  }
  return key;
}

/**
 * The keys for secrets at rest: ENCRYPTION_KEY is the current one (its id ENCRYPTION_KEY_ID,
 * default "k1"); ENCRYPTION_KEYS_OLD ("k0:<base64>,…") are earlier keys kept only to decrypt, so
 * a key can be rotated without losing what was stored under the previous one.
 */
export interface Keyring {
  ENCRYPTION_KEY: string;
  ENCRYPTION_KEY_ID?: string;
  ENCRYPTION_KEYS_OLD?: string;
}

function keysOf(ring: Keyring): { currentId: string; byId: Map<string, string> } {
  const currentId = ring.ENCRYPTION_KEY_ID?.trim() || 'k1';
  const byId = new Map<string, string>();
  for (const entry of (ring.ENCRYPTION_KEYS_OLD ?? '').split(',')) {
    const at = entry.indexOf(':');
    if (at > 0) byId.set(entry.slice(0, at).trim(), entry.slice(at + 1).trim());
  }
  byId.set(currentId, ring.ENCRYPTION_KEY);
  return { currentId, byId };
}

/**
 * AES-256-GCM, `v2.<key id>.<iv>.<ciphertext>`, with `purpose` as additional authenticated data:
 * the row a secret belongs to (e.g. `ai:openai:<account>`, `wp:<account>:<site>`), so a value copied
 * into another row or account does not decrypt there.
 */
export async function encryptSecret(plaintext: string, ring: Keyring, purpose: string): Promise<string> {
  const { currentId, byId } = keysOf(ring);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const params = { name: 'AES-GCM', iv, additionalData: encoder.encode(purpose) };
  const sealed = await crypto.subtle.encrypt(params, await aesKey(byId.get(currentId)!), encoder.encode(plaintext));
  return `v2.${currentId}.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
}

/**
 * Opens a secret sealed for `purpose`. Values in the first format (`v1.<iv>.<ciphertext>`, no key
 * id, no bound purpose) still open with the current or an old key, so data stored before keys
 * carried ids keeps working; they are rewritten in the new format the next time they are saved.
 */
export async function decryptSecret(sealed: string, ring: Keyring, purpose: string): Promise<string> {
  const { byId } = keysOf(ring);
  const parts = sealed.split('.');
  if (parts[0] === 'v2' && parts.length === 4) {
    const secret = byId.get(parts[1]!);
    if (!secret) throw new Error(`Secret sealed with unknown key "${parts[1]}".`);
    const params = { name: 'AES-GCM', iv: fromBase64(parts[2]!), additionalData: encoder.encode(purpose) };
    return new TextDecoder().decode(await crypto.subtle.decrypt(params, await aesKey(secret), fromBase64(parts[3]!)));
  }
  if (parts[0] === 'v1' && parts.length === 3) {
    for (const secret of new Set([ring.ENCRYPTION_KEY, ...byId.values()])) {
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: fromBase64(parts[1]!) },
          await aesKey(secret),
          fromBase64(parts[2]!),
        );
        return new TextDecoder().decode(plain);
      } catch {
        /* try the next key */
      }
    }
    throw new Error('No encryption key opens this secret.');
  }
  throw new Error('Unknown secret format.');
}

/** The purposes secrets are bound to (one place, so writers and readers agree). */
export const secretPurpose = {
  aiKey: (integration: string, accountId: number) => `ai:${integration}:${accountId}`,
  wordpress: (accountId: number, siteId: number) => `wp:${accountId}:${siteId}`,
};

/** Constant-time comparison of two equal-length strings. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
