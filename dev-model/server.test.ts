/** The HTTP contract through the real openai SDK: models, auth, the four functions, plain chat, streaming. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { startDevModelServer, type DevModelServer } from './server.ts';
import {
  client,
  clusterSchema,
  contentSchema,
  fnRequest,
  GARDEN_9,
  ideasSchema,
  imagePromptsSchema,
} from './test-helpers.ts';

let srv: DevModelServer;
let ai: OpenAI;
before(async () => {
  srv = await startDevModelServer({ streamDelayMs: 2 });
  ai = client(srv.url);
});
after(() => srv.close());

describe('basics', () => {
  test('GET /health', async () => {
    const r = await fetch(`${srv.url}/health`);
    assert.deepEqual(await r.json(), { ok: true });
  });

  test('models list has the two chat models and the image model', async () => {
    const ids: string[] = [];
    for await (const m of ai.models.list()) ids.push(m.id);
    assert.deepEqual(ids, ['igny8-dev-small', 'igny8-dev-large', 'igny8-dev-image']);
  });

  test('auth: missing key, bad-key and invalid* get 401 with the OpenAI error shape', async () => {
    const r = await fetch(`${srv.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    assert.equal(r.status, 401);
    const body = (await r.json()) as { error: { message: string; type: string; code: string } };
    assert.equal(typeof body.error.message, 'string');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.code, 'missing_api_key');
    for (const key of ['bad-key', 'invalid-123']) {
      await assert.rejects(
        client(srv.url, key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
        (e: unknown) => {
          assert.ok(e instanceof OpenAI.AuthenticationError);
          assert.equal(e.status, 401);
          assert.equal(e.code, 'invalid_api_key');
          return true;
        },
      );
    }
  });

  test('bad requests get 400', async () => {
    await assert.rejects(
      ai.chat.completions.create({ model: 'm', messages: [] }),
      (e: unknown) => e instanceof OpenAI.BadRequestError,
    );
    const r = await fetch(`${srv.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: '{nope',
    });
    assert.equal(r.status, 400);
  });

  test(
    'plain chat: "Reply with OK" gets OK; ' + 'other prompts an answer mentioning the message; any model name',
    async () => {
      const ok = await ai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Reply with OK' }],
      });
      assert.equal(ok.choices[0]!.message.content, 'OK');
      assert.equal(ok.choices[0]!.finish_reason, 'stop');
      assert.equal(ok.model, 'gpt-4o-mini');
      assert.match(ok.id, /^chatcmpl-/);
      assert.equal(typeof ok.created, 'number');
      const r = await ai.chat.completions.create({
        model: 'igny8-dev-large',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: 'an answer' },
          { role: 'user', content: [{ type: 'text', text: 'What is a raised bed garden?' }] },
        ],
      });
      assert.match(r.choices[0]!.message.content!, /What is a raised bed garden\?/);
      const u = r.usage!;
      assert.ok(u.prompt_tokens > 0 && u.completion_tokens > 0);
      assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens);
      assert.equal(u.completion_tokens, Math.ceil(r.choices[0]!.message.content!.length / 4));
    },
  );
});

describe('AI functions through chat completions', () => {
  test('auto_cluster via json_schema name, from the LAST json block', async () => {
    const r = await ai.chat.completions.create(
      fnRequest('auto_cluster', {
        keywords: GARDEN_9.map((keyword) => ({ keyword, volume: 100 })),
        sector: 'Gardening',
      }),
    );
    const parsed = clusterSchema.parse(JSON.parse(r.choices[0]!.message.content!));
    assert.equal(parsed.clusters.length, 3);
    assert.deepEqual(parsed.clusters.flatMap((c) => c.keywords).sort(), [...GARDEN_9].sort());
    assert.ok(r.usage!.completion_tokens > 10);
  });

  test('json_object with a FUNCTION: line in the system message', async () => {
    const r = await ai.chat.completions.create({
      model: 'igny8-dev-small',
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: 'You are an SEO assistant.\nFUNCTION: generate_ideas\nReturn JSON.' },
        {
          role: 'user',
          content:
            'Clusters:\n```json\n{"clusters":[{"id":7,"name":"Compost",' +
            '"keywords":["compost tea","compost bin diy","worm composting"]}],"ideas_per_cluster":4}\n```',
        },
      ],
    });
    const parsed = ideasSchema.parse(JSON.parse(r.choices[0]!.message.content!));
    assert.equal(parsed.ideas.length, 4);
  });

  test('generate_content and generate_image_prompts', async () => {
    const outline = ['Intro', 'Soil Mix', 'Building Steps', 'Costs Compared', 'Planting', 'Wrap-Up'].map((h2) => ({
      h2,
      coverage: `Cover ${h2.toLowerCase()}.`,
    }));
    const c = await ai.chat.completions.create(
      fnRequest('generate_content', {
        title: 'Raised Bed Garden Guide',
        outline,
        primary_keyword: 'raised bed garden',
        word_count: 900,
      }),
    );
    const content = contentSchema.parse(JSON.parse(c.choices[0]!.message.content!));
    assert.deepEqual(
      content.sections.map((s) => s.h2),
      outline.map((s) => s.h2),
    );
    const i = await ai.chat.completions.create(
      fnRequest('generate_image_prompts', {
        title: content.title,
        sections: content.sections.map((s) => ({ h2: s.h2, text: s.html })),
        in_article_count: 2,
      }),
    );
    const prompts = imagePromptsSchema.parse(JSON.parse(i.choices[0]!.message.content!));
    assert.equal(prompts.in_article.length, 2);
  });

  test('same request, same content (deterministic)', async () => {
    const req = fnRequest('generate_ideas', {
      clusters: [{ name: 'Tomato', keywords: ['tomato cages', 'best tomato varieties', 'growing tomatoes in pots'] }],
    });
    const a = await ai.chat.completions.create(req);
    const b = await ai.chat.completions.create(req);
    assert.equal(a.choices[0]!.message.content, b.choices[0]!.message.content);
  });

  test('max_tokens cuts the reply with finish_reason length', async () => {
    const r = await ai.chat.completions.create({
      ...fnRequest('generate_content', { title: 'T', primary_keyword: 'compost tea' }),
      max_tokens: 50,
    });
    assert.equal(r.choices[0]!.finish_reason, 'length');
    assert.ok(r.choices[0]!.message.content!.length <= 200);
  });
});

describe('streaming', () => {
  test('chunks arrive progressively, then finish_reason, usage and [DONE]', async () => {
    const req = fnRequest('auto_cluster', { keywords: GARDEN_9 });
    const full = await ai.chat.completions.create(req);
    const stream = await ai.chat.completions.create({ ...req, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let contentChunks = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    const times: number[] = [];
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta.content) {
        text += choice.delta.content;
        contentChunks++;
        times.push(performance.now());
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    assert.equal(text, full.choices[0]!.message.content);
    assert.ok(contentChunks > 10, `${contentChunks} chunks`);
    assert.ok(times[times.length - 1]! - times[0]! > 10, 'chunks spread over time');
    assert.equal(finish, 'stop');
    assert.deepEqual(usage, full.usage);
  });

  test('without include_usage there is no usage chunk; raw SSE ends with [DONE]', async () => {
    const r = await fetch(`${srv.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'Reply with OK' }] }),
    });
    assert.match(r.headers.get('content-type')!, /text\/event-stream/);
    const raw = await r.text();
    const events = raw.split('\n\n').filter(Boolean);
    assert.equal(events[events.length - 1], 'data: [DONE]');
    assert.ok(!raw.includes('"usage":{'));
    const last = JSON.parse(events[events.length - 2]!.slice(6));
    assert.equal(last.choices[0].finish_reason, 'stop');
  });
});

describe('CLI', () => {
  test('prints exactly one DEV_MODEL_READY line and serves until SIGTERM', async () => {
    const script = fileURLToPath(new URL('./server.ts', import.meta.url));
    const child = spawn(process.execPath, [script, '--port', '0', '--latency', '1', '--rate-429', '0', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 10_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^DEV_MODEL_READY (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const r = await client(url).chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'Reply with OK' }],
    });
    assert.equal(r.choices[0]!.message.content, 'OK');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(out.trim().split('\n').length, 1, `stdout: ${out}`);
  });
});
