/** GET /__dev/requests: the prompts a key sent, newest last, bounded per key, cleared by /__dev/reset. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDevModelServer, type DevModelServer } from './server.ts';
import { RequestLog } from './request-log.ts';
import { client } from './test-helpers.ts';

let srv: DevModelServer;
before(async () => {
  srv = await startDevModelServer({ streamDelayMs: 1 });
});
after(() => srv.close());

async function requests(key: string, limit?: number) {
  const q = new URLSearchParams({ key, ...(limit ? { limit: String(limit) } : {}) });
  const r = await fetch(`${srv.url}/__dev/requests?${q}`);
  assert.equal(r.status, 200);
  return ((await r.json()) as { requests: { model: string; messages: { role: string; content: string }[] }[] })
    .requests;
}

describe('request log', () => {
  test('keeps each key apart and returns model and messages, newest last', async () => {
    const a = client(srv.url, 'sk-log-a');
    await a.chat.completions.create({
      model: 'igny8-dev-small',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'first' },
      ],
    });
    await a.chat.completions.create({ model: 'igny8-dev-large', messages: [{ role: 'user', content: 'second' }] });
    await client(srv.url, 'sk-log-b').chat.completions.create({
      model: 'igny8-dev-small',
      messages: [{ role: 'user', content: 'other key' }],
    });
    const got = await requests('sk-log-a');
    assert.deepEqual(
      got.map((r) => [r.model, r.messages.map((m) => `${m.role}:${m.content}`)]),
      [
        ['igny8-dev-small', ['system:Be brief.', 'user:first']],
        ['igny8-dev-large', ['user:second']],
      ],
    );
    assert.deepEqual(
      (await requests('sk-log-a', 1)).map((r) => r.messages.at(-1)?.content),
      ['second'],
    );
    assert.equal((await requests('sk-log-b')).length, 1);
  });

  test('a key is required', async () => {
    assert.equal((await fetch(`${srv.url}/__dev/requests`)).status, 400);
  });

  test('/__dev/reset clears the log', async () => {
    await client(srv.url, 'sk-log-c').chat.completions.create({
      model: 'igny8-dev-small',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal((await requests('sk-log-c')).length, 1);
    await fetch(`${srv.url}/__dev/reset`, { method: 'POST' });
    assert.equal((await requests('sk-log-c')).length, 0);
  });

  test('a ring buffer: only the last N requests per key are kept', () => {
    const log = new RequestLog(3);
    for (let i = 0; i < 5; i++) log.record('k', { model: 'm', messages: [{ role: 'user', content: `n${i}` }] });
    assert.deepEqual(
      log.last('k').map((r) => r.messages[0]!.content),
      ['n2', 'n3', 'n4'],
    );
  });
});
