import { describe, expect, it } from 'vitest';
import { base64url, decryptSecret, encryptSecret } from './crypto';

const K1 = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
const K2 = btoa('fedcba9876543210fedcba9876543210');

/** A value in the first format (`v1.<iv>.<ciphertext>`, no key id, no bound purpose), as stored before. */
async function legacySeal(plaintext: string, keyBase64: string): Promise<string> {
  const raw = Uint8Array.from(atob(keyBase64), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(plaintext));
  return `v1.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
}

describe('secrets at rest', () => {
  it('seals with the current key id and opens only for the same purpose', async () => {
    const sealed = await encryptSecret('sk-secret', { ENCRYPTION_KEY: K1 }, 'ai:openai:7');
    expect(sealed).toMatch(/^v2\.k1\./);
    expect(sealed).not.toContain('sk-secret');
    expect(await decryptSecret(sealed, { ENCRYPTION_KEY: K1 }, 'ai:openai:7')).toBe('sk-secret');
    // Copied to another account's row, or to another kind of secret: it does not open.
    await expect(decryptSecret(sealed, { ENCRYPTION_KEY: K1 }, 'ai:openai:8')).rejects.toThrow();
    await expect(decryptSecret(sealed, { ENCRYPTION_KEY: K1 }, 'ai:runware:7')).rejects.toThrow();
  });

  it('rotates: a new current key with its own id, the old one kept to decrypt', async () => {
    const before = await encryptSecret('wp-pass', { ENCRYPTION_KEY: K1 }, 'wp:1:2');
    const rotated = { ENCRYPTION_KEY: K2, ENCRYPTION_KEY_ID: 'k2', ENCRYPTION_KEYS_OLD: `k1:${K1}` };
    expect(await decryptSecret(before, rotated, 'wp:1:2')).toBe('wp-pass');
    const after = await encryptSecret('wp-pass', rotated, 'wp:1:2');
    expect(after).toMatch(/^v2\.k2\./);
    // Without the old key listed, what it sealed cannot be opened (and says which key it needs).
    await expect(decryptSecret(before, { ENCRYPTION_KEY: K2, ENCRYPTION_KEY_ID: 'k2' }, 'wp:1:2')).rejects.toThrow(
      /unknown key "k1"/,
    );
  });

  it('still opens values written in the first format (current or old key)', async () => {
    expect(await decryptSecret(await legacySeal('legacy', K1), { ENCRYPTION_KEY: K1 }, 'wp:1:2')).toBe('legacy');
    expect(
      await decryptSecret(
        await legacySeal('legacy', K1),
        { ENCRYPTION_KEY: K2, ENCRYPTION_KEY_ID: 'k2', ENCRYPTION_KEYS_OLD: `k1:${K1}` },
        'x',
      ),
    ).toBe('legacy');
    await expect(decryptSecret(await legacySeal('legacy', K1), { ENCRYPTION_KEY: K2 }, 'x')).rejects.toThrow();
    await expect(decryptSecret('v9.abc', { ENCRYPTION_KEY: K1 }, 'x')).rejects.toThrow(/Unknown secret format/);
  });
});
