/** Fault injection through the real openai SDK: per-request header, per-key scripts, rates, latency, stats. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startDevModelServer, type DevModelServer } from './server.ts';
import { client, clusterSchema, devPost, fnRequest, GARDEN_9, ideasSchema, repair, stats } from './test-helpers.ts';
import { repairJson } from '../core/ai/repair.ts';

let srv: DevModelServer;
before(async () => {
  srv = await startDevModelServer({ streamDelayMs: 1 });
});
after(() => srv.close());

const clusterReq = fnRequest('auto_cluster', { keywords: GARDEN_9 });
const ideasReq = fnRequest('generate_ideas', {
  clusters: [{ name: 'Compost', keywords: ['compost tea', 'compost bin diy', 'worm composting'] }],
});
const withFault = (fault: string) => ({ headers: { 'x-dev-model-fault': fault } });

/** The product's own repair: every fault the dev model calls repairable must pass through it. */
const productRepair: (raw: string) => { ok: boolean; value?: unknown } = repairJson;

describe('transport faults (x-dev-model-fault header)', () => {
  test('429: RateLimitError with retry-after and retry-after-ms', async () => {
    await assert.rejects(client(srv.url).chat.completions.create(clusterReq, withFault('429')), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.status, 429);
      assert.equal(e.type, 'rate_limit_exceeded');
      assert.equal(e.headers?.get('retry-after'), '1');
      assert.equal(e.headers?.get('retry-after-ms'), '1000');
      return true;
    });
  });

  test('500 and 503: InternalServerError', async () => {
    for (const [fault, status] of [
      ['500', 500],
      ['503', 503],
    ] as const) {
      await assert.rejects(client(srv.url).chat.completions.create(clusterReq, withFault(fault)), (e: unknown) => {
        assert.ok(e instanceof OpenAI.InternalServerError);
        assert.equal(e.status, status);
        assert.equal(e.type, 'server_error');
        return true;
      });
    }
  });

  test('timeout: no answer until the client gives up; nothing left in flight', async () => {
    const key = 'sk-timeout-1';
    const t0 = performance.now();
    await assert.rejects(
      client(srv.url, key, { timeout: 300 }).chat.completions.create(clusterReq, withFault('timeout')),
      (e: unknown) => e instanceof OpenAI.APIConnectionTimeoutError,
    );
    assert.ok(performance.now() - t0 >= 280);
    await new Promise((r) => setTimeout(r, 50));
    const s = await stats(srv.url, key);
    assert.equal(s.by_outcome.timeout, 1);
    assert.equal(s.in_flight, 0);
  });

  test('disconnect: the socket is dropped (APIConnectionError)', async () => {
    await assert.rejects(
      client(srv.url).chat.completions.create(clusterReq, withFault('disconnect')),
      (e: unknown) => e instanceof OpenAI.APIConnectionError,
    );
  });

  test('unknown fault names are refused', async () => {
    await assert.rejects(
      client(srv.url).chat.completions.create(clusterReq, withFault('explode')),
      (e: unknown) => e instanceof OpenAI.BadRequestError,
    );
    const r = await devPost(srv.url, '/__dev/faults', { api_key: 'k', script: ['429', 'nope'] });
    assert.equal(r.status, 400);
  });
});

describe('content faults', () => {
  const content = async (fault: string, req = clusterReq) =>
    (await client(srv.url).chat.completions.create(req, withFault(fault))).choices[0]!;

  test('malformed: 200, not JSON at all', async () => {
    const c = await content('malformed');
    assert.equal(c.finish_reason, 'stop');
    assert.ok(c.message.content && !/[{[]/.test(c.message.content));
    assert.equal(repair(c.message.content), undefined);
  });

  test('truncated: cut mid-JSON with finish_reason length', async () => {
    const c = await content('truncated');
    assert.equal(c.finish_reason, 'length');
    assert.ok(c.message.content!.startsWith('{"clusters":'));
    assert.throws(() => JSON.parse(c.message.content!));
  });

  test('wrong_shape: valid JSON of another shape', async () => {
    const c = await content('wrong_shape');
    assert.deepEqual(JSON.parse(c.message.content!), { result: 'ok' });
    assert.equal(clusterSchema.safeParse(JSON.parse(c.message.content!)).success, false);
  });

  test('refusal: message.refusal set, content null', async () => {
    const c = await content('refusal');
    assert.equal(c.message.content, null);
    assert.match(c.message.refusal!, /can't help/);
  });

  test('empty: content is the empty string', async () => {
    assert.equal((await content('empty')).message.content, '');
  });

  for (const fault of ['fenced', 'prose', 'trailing_comma', 'smart_quotes', 'bom', 'numbers_as_strings', 'comments']) {
    test(`${fault}: broken wrapping, repairable to a valid reply`, async () => {
      const clean = (await client(srv.url).chat.completions.create(ideasReq)).choices[0]!.message.content!;
      const c = await content(fault, ideasReq);
      const raw = c.message.content!;
      assert.equal(c.finish_reason, 'stop');
      assert.notEqual(raw, clean);
      if (fault === 'numbers_as_strings') {
        assert.match(raw, /"estimated_word_count":"\d,\d{3}"/);
        assert.equal(ideasSchema.safeParse(JSON.parse(raw)).success, false);
      } else {
        assert.throws(() => JSON.parse(raw), `${fault} must not parse as is`);
      }
      assert.deepEqual(repair(raw), JSON.parse(clean));
      const r = productRepair(raw);
      assert.ok(r.ok, `core/ai/repair.ts repairs ${fault}`);
      const expected = JSON.parse(clean) as { ideas: { estimated_word_count: number | string }[] };
      // The reader keeps numbers written as text; per-field normalization (core/ai/normalize-reply.ts) reads them.
      if (fault === 'numbers_as_strings')
        for (const idea of expected.ideas)
          idea.estimated_word_count = Number(idea.estimated_word_count).toLocaleString('en-US');
      assert.deepEqual(r.value, expected);
    });
  }

  test('faults apply to streamed content too', async () => {
    const ai = client(srv.url);
    const collect = async (fault: string) => {
      const stream = await ai.chat.completions.create({ ...clusterReq, stream: true }, withFault(fault));
      let text = '';
      let refusal = '';
      let finish: string | null = null;
      for await (const ch of stream) {
        const c = ch.choices[0];
        if (!c) continue;
        text += c.delta.content ?? '';
        refusal += (c.delta as { refusal?: string | null }).refusal ?? '';
        finish = c.finish_reason ?? finish;
      }
      return { text, refusal, finish };
    };
    const truncated = await collect('truncated');
    assert.equal(truncated.finish, 'length');
    assert.throws(() => JSON.parse(truncated.text));
    const fenced = await collect('fenced');
    assert.match(fenced.text, /^```json\n\{/);
    const refusal = await collect('refusal');
    assert.equal(refusal.text, '');
    assert.match(refusal.refusal, /can't help/);
    await assert.rejects(
      ai.chat.completions.create({ ...clusterReq, stream: true }, withFault('429')),
      (e: unknown) => e instanceof OpenAI.RateLimitError,
    );
    await assert.rejects(collect('disconnect'));
  });
});

describe('stall: a stream that stops half-way and stays open', () => {
  test('sends half the reply, then nothing until the hold ends; not streamed it is a timeout', async () => {
    const held = await startDevModelServer({ streamDelayMs: 1, timeoutHoldMs: 800 });
    try {
      const ai = client(held.url);
      const stream = await ai.chat.completions.create({ ...clusterReq, stream: true }, withFault('stall'));
      let text = '';
      let last = Date.now();
      let longestGap = 0;
      await assert.rejects(
        (async () => {
          for await (const ch of stream) {
            longestGap = Math.max(longestGap, Date.now() - last);
            last = Date.now();
            text += ch.choices[0]?.delta.content ?? '';
          }
        })(),
      );
      // Something came, not all of it, and then a silence of about the hold before the socket dropped.
      assert.ok(text.length > 0);
      assert.throws(() => JSON.parse(text));
      assert.ok(Date.now() - last >= 700, `silent for ${Date.now() - last} ms`);
      assert.ok(longestGap < 700);
      await assert.rejects(
        new OpenAI({
          apiKey: 'sk-stall',
          baseURL: `${held.url}/v1`,
          maxRetries: 0,
          timeout: 300,
        }).chat.completions.create(clusterReq, withFault('stall')),
        (e: unknown) => e instanceof OpenAI.APIConnectionTimeoutError,
      );
    } finally {
      await held.close();
    }
  });
});

describe('per-key scripts, rates and stats', () => {
  test('a script is consumed one fault per request, then normal; other keys are unaffected', async () => {
    const key = 'sk-script-a';
    const other = 'sk-script-b';
    let r = await devPost(srv.url, '/__dev/faults', {
      api_key: key,
      script: ['429', '500', 'ok', 'malformed', '503'],
      retry_after_s: 3,
    });
    assert.equal(r.status, 200);
    const a = client(srv.url, key);
    const b = client(srv.url, other);
    const outcome = async (c: OpenAI) => {
      try {
        const res = await c.chat.completions.create(clusterReq);
        const text = res.choices[0]!.message.content!;
        return clusterSchema.safeParse(repair(text)).success ? 'ok' : 'bad';
      } catch (e) {
        if (e instanceof OpenAI.RateLimitError) assert.equal(e.headers?.get('retry-after'), '3');
        return String((e as { status?: number }).status);
      }
    };
    const seq: string[] = [];
    for (let i = 0; i < 6; i++) {
      seq.push(await outcome(a));
      assert.equal(await outcome(b), 'ok', 'the other key is never faulted');
    }
    assert.deepEqual(seq, ['429', '500', 'ok', 'bad', '503', 'ok']);
    const s = await stats(srv.url, key);
    assert.equal(s.requests, 6);
    assert.deepEqual(
      [s.by_outcome['429'], s.by_outcome['500'], s.by_outcome['503'], s.by_outcome.malformed, s.by_outcome.ok],
      [1, 1, 1, 1, 2],
    );
    assert.equal((await stats(srv.url, other)).by_outcome.ok, 6);
    // GET shows the (now empty) script; DELETE forgets config and stats.
    r = await fetch(`${srv.url}/__dev/faults?api_key=${key}`);
    assert.deepEqual(((await r.json()) as { script: string[] }).script, []);
    await fetch(`${srv.url}/__dev/faults?api_key=${key}`, { method: 'DELETE' });
    assert.equal((await stats(srv.url, key)).requests, 0);
  });

  test('the SDK own retries honour retry-after-ms and then succeed', async () => {
    const key = 'sk-retry';
    await devPost(srv.url, '/__dev/faults', { api_key: key, script: ['429', '429'], retry_after_s: 0.05 });
    const res = await client(srv.url, key, { maxRetries: 2 }).chat.completions.create(clusterReq);
    clusterSchema.parse(JSON.parse(res.choices[0]!.message.content!));
    const s = await stats(srv.url, key);
    assert.deepEqual([s.requests, s.by_outcome['429'], s.by_outcome.ok], [3, 2, 1]);
  });

  test('per-key rates, seeded: the same seed gives the same sequence', async () => {
    const key = 'sk-rates';
    await devPost(srv.url, '/__dev/faults', { api_key: key, rates: { '429': 1 } });
    await assert.rejects(
      client(srv.url, key).chat.completions.create(clusterReq),
      (e: unknown) => e instanceof OpenAI.RateLimitError,
    );
    const run = async () => {
      const s = await startDevModelServer({ rates: { '429': 0.3, '5xx': 0.3 }, seed: 7 });
      try {
        const c = client(s.url, 'sk-seeded');
        const seq: number[] = [];
        for (let i = 0; i < 12; i++)
          seq.push(
            await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).then(
              () => 200,
              (e: { status: number }) => e.status,
            ),
          );
        return seq;
      } finally {
        await s.close();
      }
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    assert.ok(first.includes(200) && first.some((x) => x !== 200), first.join(','));
    assert.ok(first.every((x) => [200, 429, 500, 503].includes(x)));
  });

  test('latency (per key and global) delays replies; concurrency is tracked', async () => {
    const key = 'sk-slow';
    await devPost(srv.url, '/__dev/faults', { api_key: key, latency_ms: 250 });
    const c = client(srv.url, key);
    let t0 = performance.now();
    await c.chat.completions.create(clusterReq);
    assert.ok(performance.now() - t0 >= 240, 'per-key latency');
    t0 = performance.now();
    await Promise.all(Array.from({ length: 5 }, () => c.chat.completions.create(clusterReq)));
    assert.ok(performance.now() - t0 < 1000, 'concurrent requests are served concurrently');
    const s = await stats(srv.url, key);
    assert.equal(s.max_concurrent, 5);
    assert.equal(s.in_flight, 0);

    const slow = await startDevModelServer({ latencyMs: 200, jitterMs: 50 });
    try {
      t0 = performance.now();
      await client(slow.url).chat.completions.create(clusterReq);
      const dt = performance.now() - t0;
      assert.ok(dt >= 195 && dt < 1000, `global latency ${dt}`);
    } finally {
      await slow.close();
    }
  });

  test('POST /__dev/reset clears scripts and stats', async () => {
    await devPost(srv.url, '/__dev/faults', { api_key: 'sk-reset', script: ['500'] });
    await devPost(srv.url, '/__dev/reset', {});
    const r = await client(srv.url, 'sk-reset').chat.completions.create(clusterReq);
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    assert.equal((await stats(srv.url)).requests, 1);
  });
});

describe('closing', () => {
  test('a held (timeout) connection is closed after the hold time and on server close', async () => {
    const s = await startDevModelServer({ timeoutHoldMs: 200 });
    const c = client(s.url);
    const t0 = performance.now();
    await assert.rejects(
      c.chat.completions.create(clusterReq, withFault('timeout')),
      (e: unknown) => e instanceof OpenAI.APIConnectionError,
    );
    assert.ok(performance.now() - t0 >= 190);
    const pending = c.chat.completions.create(clusterReq, withFault('timeout')).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 50));
    const t1 = performance.now();
    await s.close();
    assert.ok(performance.now() - t1 < 1000, 'close() does not wait for held requests');
    assert.equal(await pending, 'failed');
  });
});

describe('raw replies (script entries {raw, finish_reason?, refusal?})', () => {
  test('answer the scripted content, finish_reason and refusal, in order, then normal replies', async () => {
    const key = 'sk-raw-1';
    await devPost(srv.url, '/__dev/faults', {
      api_key: key,
      script: [
        { raw: "{'clusters': [] , }" },
        { raw: '{"a":', finish_reason: 'length' },
        { raw: null, refusal: 'No.' },
      ],
    });
    const ai = client(srv.url, key);
    const first = (await ai.chat.completions.create(clusterReq)).choices[0]!;
    assert.equal(first.message.content, "{'clusters': [] , }");
    assert.equal(first.finish_reason, 'stop');
    const second = (await ai.chat.completions.create(clusterReq)).choices[0]!;
    assert.deepEqual([second.message.content, second.finish_reason], ['{"a":', 'length']);
    const third = await ai.chat.completions.create({ ...clusterReq, stream: true });
    let refusal = '';
    for await (const ch of third) refusal += ch.choices[0]?.delta.refusal ?? '';
    assert.equal(refusal, 'No.');
    const normal = (await ai.chat.completions.create(clusterReq)).choices[0]!;
    assert.ok(clusterSchema.safeParse(JSON.parse(normal.message.content!)).success);
    assert.equal((await stats(srv.url, key)).by_outcome.raw, 3);
  });

  test('a raw reply with tool_arguments answers a tool call, streamed or not, and counts its tokens', async () => {
    const key = 'sk-raw-tool';
    const args = '{"clusters":[]}';
    await devPost(srv.url, '/__dev/faults', {
      api_key: key,
      script: [
        { raw: null, tool_arguments: args },
        { raw: null, tool_arguments: args },
      ],
    });
    const ai = client(srv.url, key);
    const plain = await ai.chat.completions.create(clusterReq);
    const call = plain.choices[0]!.message.tool_calls?.[0];
    assert.equal(call && 'function' in call ? call.function.arguments : null, args);
    assert.equal(plain.choices[0]!.finish_reason, 'tool_calls');
    assert.ok((plain.usage?.completion_tokens ?? 0) > 0);
    let streamed = '';
    let finish: string | null = null;
    for await (const ch of await ai.chat.completions.create({ ...clusterReq, stream: true })) {
      streamed += ch.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      finish = ch.choices[0]?.finish_reason ?? finish;
    }
    assert.deepEqual([streamed, finish], [args, 'tool_calls']);
  });

  test('a malformed raw entry is refused', async () => {
    const res = await fetch(`${srv.url}/__dev/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: 'k', script: [{ raw: 1 }] }),
    });
    assert.equal(res.status, 400);
  });
});
