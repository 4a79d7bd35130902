import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, WEBHOOK_WINDOW_S } from './webhook';

/** The webhook check, with a fixed clock: signature first, then the time window, never the other way. */
const SECRET = 'a-webhook-secret-of-forty-three-characters-';
const NOW = Date.UTC(2026, 11, 2, 15, 0, 0);
const ts = (offsetS = 0) => String(NOW / 1000 + offsetS);
const body = '{"event":"post.saved","post_id":7,"post_type":"post","modified_gmt":"2026-12-02 14:59:58"}';

const check = async (signature: string | undefined, timestamp: string | undefined, raw = body, secret = SECRET) =>
  verifyWebhook(secret, { signature, timestamp }, raw, NOW);

describe('verifyWebhook', () => {
  it('accepts the plugin’s signature (HMAC-SHA256 over "<ts>.<body>") within the window, either hex case', async () => {
    const signature = await signWebhook(SECRET, ts(), body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const verdict = await check(signature, ts());
    expect(verdict.ok).toBe(true);
    expect(await check(signature.toUpperCase().replace('SHA256=', 'sha256='), ts())).toEqual(verdict);
    const edge = ts(-WEBHOOK_WINDOW_S);
    expect((await check(await signWebhook(SECRET, edge, body), edge)).ok).toBe(true);
  });

  it('refuses another secret, a changed body, a moved timestamp and missing headers as bad_signature', async () => {
    const signature = await signWebhook(SECRET, ts(), body);
    for (const verdict of [
      await check(await signWebhook('another secret', ts(), body), ts()),
      await check(signature, ts(), body.replace('"post_id":7', '"post_id":8')),
      await check(signature, ts(1)),
      await check(undefined, ts()),
      await check(signature, undefined),
      await check(signature, 'yesterday'),
      await verifyWebhook(null, { signature, timestamp: ts() }, body, NOW),
    ])
      expect(verdict).toMatchObject({ ok: false, code: 'bad_signature' });
  });

  it('refuses a correctly signed request from outside the window (past or future) as stale_webhook', async () => {
    for (const offset of [-WEBHOOK_WINDOW_S - 1, WEBHOOK_WINDOW_S + 1, -86_400]) {
      const t = ts(offset);
      expect(await check(await signWebhook(SECRET, t, body), t)).toMatchObject({ ok: false, code: 'stale_webhook' });
    }
  });

  it('remembers a signature by a hash that is the same for the same request and differs between requests', async () => {
    const one = await check(await signWebhook(SECRET, ts(), body), ts());
    const again = await check(await signWebhook(SECRET, ts(), body), ts());
    const later = await check(await signWebhook(SECRET, ts(1), body), ts(1));
    if (!one.ok || !again.ok || !later.ok) throw new Error('expected all three accepted');
    expect(one.signatureHash).toBe(again.signatureHash);
    expect(one.signatureHash).not.toBe(later.signatureHash);
  });
});
