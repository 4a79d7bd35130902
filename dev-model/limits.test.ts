import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startDevModelServer, type DevModelServer } from './server.ts';

describe('per-key concurrency limit (like a real provider)', () => {
  let srv: DevModelServer;
  before(async () => {
    srv = await startDevModelServer({ port: 0, latencyMs: 150, maxConcurrentPerKey: 3 });
  });
  after(() => srv.close());

  test('requests beyond the limit in flight get 429 with retry-after; other keys are unaffected', async () => {
    const ai = (key: string) => new OpenAI({ apiKey: key, baseURL: `${srv.url}/v1`, maxRetries: 0 });
    const burst = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        ai('burst').chat.completions.create({
          model: 'igny8-dev-small',
          messages: [{ role: 'user', content: 'Reply with OK' }],
        }),
      ),
    );
    const limited = burst.filter((r) => r.status === 'rejected' && r.reason instanceof OpenAI.RateLimitError);
    assert.equal(burst.filter((r) => r.status === 'fulfilled').length, 3);
    assert.equal(limited.length, 7);
    const other = await ai('calm').chat.completions.create({
      model: 'igny8-dev-small',
      messages: [{ role: 'user', content: 'Reply with OK' }],
    });
    assert.equal(other.choices[0]?.message.content, 'OK');
  });
});
