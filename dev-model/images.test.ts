/** PNG encoding, /v1/images/generations through the SDK, and the Runware emulation. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import OpenAI from 'openai';
import { crc32, encodePng, readPngInfo } from './png.ts';
import { renderImage } from './images.ts';
import { startDevModelServer, type DevModelServer } from './server.ts';
import { client, devPost, stats } from './test-helpers.ts';

let srv: DevModelServer;
before(async () => {
  srv = await startDevModelServer({});
});
after(() => srv.close());

describe('png', () => {
  test('CRC32 matches zlib', () => {
    const data = Buffer.from('IHDR the quick brown fox 0123456789');
    assert.equal(crc32(data), zlibCrc32(data));
  });

  test('encodes a decodable RGB image', () => {
    const w = 5;
    const h = 3;
    const px = new Uint8Array(w * h * 3).map((_, i) => (i * 37) & 0xff);
    const png = encodePng(w, h, px);
    const info = readPngInfo(png);
    assert.deepEqual(info, { width: 5, height: 3, bitDepth: 8, colorType: 2, chunks: ['IHDR', 'IDAT', 'IEND'] });
    // Undo the Sub filter and compare pixels.
    const idatLen = png.readUInt32BE(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    const out = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      assert.equal(raw[y * (w * 3 + 1)], 1);
      for (let x = 0; x < w * 3; x++)
        out[y * w * 3 + x] = (raw[y * (w * 3 + 1) + 1 + x]! + (x >= 3 ? out[y * w * 3 + x - 3]! : 0)) & 0xff;
    }
    assert.deepEqual(out, px);
  });

  test('deterministic per prompt, different across prompts', () => {
    assert.ok(renderImage('a red barn', 64, 48).equals(renderImage('a red barn', 64, 48)));
    assert.ok(!renderImage('a red barn', 64, 48).equals(renderImage('a blue lake', 64, 48)));
  });
});

describe('/v1/images/generations', () => {
  test('b64_json PNGs of every requested size', async () => {
    const ai = client(srv.url);
    for (const size of ['256x256', '512x512', '1024x1024', '1792x1024', '1024x1792'] as const) {
      const r = await ai.images.generate({
        model: 'igny8-dev-image',
        prompt: `A raised bed garden at dawn ${size}`,
        size,
        response_format: 'b64_json',
      });
      assert.equal(typeof r.created, 'number');
      assert.equal(r.data!.length, 1);
      const png = Buffer.from(r.data![0]!.b64_json!, 'base64');
      const info = readPngInfo(png);
      const [w, h] = size.split('x').map(Number);
      assert.deepEqual([info.width, info.height], [w, h]);
      assert.match(r.data![0]!.revised_prompt!, /raised bed garden/);
    }
  });

  test('default size, n images, deterministic, url format served from /files', async () => {
    const ai = client(srv.url);
    const a = await ai.images.generate({ prompt: 'compost tea brewing', n: 2 });
    const b = await ai.images.generate({ prompt: 'compost tea brewing', n: 2 });
    assert.equal(a.data!.length, 2);
    assert.equal(a.data![0]!.b64_json, b.data![0]!.b64_json);
    assert.notEqual(a.data![0]!.b64_json, a.data![1]!.b64_json);
    assert.equal(readPngInfo(Buffer.from(a.data![0]!.b64_json!, 'base64')).width, 1024);
    const u = await ai.images.generate({ prompt: 'compost tea brewing', size: '256x256', response_format: 'url' });
    const res = await fetch(u.data![0]!.url!);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(readPngInfo(new Uint8Array(await res.arrayBuffer())).height, 256);
    assert.equal((await fetch(`${srv.url}/files/nope.png`)).status, 404);
  });

  test('errors and faults', async () => {
    const ai = client(srv.url);
    await assert.rejects(ai.images.generate({ prompt: '' }), (e: unknown) => e instanceof OpenAI.BadRequestError);
    await assert.rejects(
      ai.images.generate({ prompt: 'x', size: '13x9000' as '256x256' }),
      (e: unknown) => e instanceof OpenAI.BadRequestError,
    );
    await assert.rejects(
      client(srv.url, 'bad-key').images.generate({ prompt: 'x' }),
      (e: unknown) => e instanceof OpenAI.AuthenticationError,
    );
    await assert.rejects(
      ai.images.generate({ prompt: 'x', size: '256x256' }, { headers: { 'x-dev-model-fault': '429' } }),
      (e: unknown) => e instanceof OpenAI.RateLimitError,
    );
    await assert.rejects(
      ai.images.generate({ prompt: 'x', size: '256x256' }, { headers: { 'x-dev-model-fault': 'refusal' } }),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.BadRequestError);
        assert.equal(e.code, 'content_policy_violation');
        return true;
      },
    );
    const t = await ai.images.generate(
      { prompt: 'x', size: '256x256' },
      { headers: { 'x-dev-model-fault': 'truncated' } },
    );
    assert.throws(() => readPngInfo(Buffer.from(t.data![0]!.b64_json!, 'base64')));
  });
});

describe('Runware emulation', () => {
  const task = (extra: Record<string, unknown> = {}) => ({
    taskType: 'imageInference',
    taskUUID: '6f2c1d7e-8a4b-4c3d-9e1f-0a1b2c3d4e5f',
    positivePrompt: 'A cedar raised bed full of tomatoes',
    width: 512,
    height: 768,
    model: 'runware:100@1',
    outputType: 'base64Data',
    ...extra,
  });

  test('imageInference with base64Data and URL outputs', async () => {
    const r = await devPost(srv.url, '/runware/v1', [
      { taskType: 'authentication', apiKey: 'rw-key' },
      task({ numberResults: 2 }),
    ]);
    assert.equal(r.status, 200);
    const body = (await r.json()) as { data: Record<string, unknown>[] };
    assert.equal(body.data.length, 2);
    for (const d of body.data) {
      assert.equal(d.taskType, 'imageInference');
      assert.equal(d.taskUUID, task().taskUUID);
      assert.equal(typeof d.seed, 'number');
      assert.ok(typeof d.cost === 'number' && d.cost > 0);
      const info = readPngInfo(Buffer.from(d.imageBase64Data as string, 'base64'));
      assert.deepEqual([info.width, info.height], [512, 768]);
    }
    const u = await devPost(srv.url, '/runware/v1', [
      { taskType: 'authentication', apiKey: 'rw-key' },
      task({ outputType: 'URL', width: 256, height: 256 }),
    ]);
    const url = ((await u.json()) as { data: { imageURL: string }[] }).data[0]!.imageURL;
    assert.equal(readPngInfo(new Uint8Array(await (await fetch(url)).arrayBuffer())).width, 256);
  });

  test('401 for a missing, empty or invalid apiKey; 400 for invalid tasks', async () => {
    for (const tasks of [
      [task()],
      [{ taskType: 'authentication', apiKey: '' }, task()],
      [{ taskType: 'authentication', apiKey: 'bad-key' }, task()],
    ]) {
      const r = await devPost(srv.url, '/runware/v1', tasks);
      assert.equal(r.status, 401);
      const body = (await r.json()) as { errors: { code: string; message: string }[] };
      assert.ok(body.errors[0]!.code && body.errors[0]!.message);
    }
    const r = await devPost(srv.url, '/runware/v1', [
      { taskType: 'authentication', apiKey: 'rw-key' },
      task({ width: 500, positivePrompt: '' }),
    ]);
    assert.equal(r.status, 400);
    const body = (await r.json()) as { errors: { code: string; taskUUID?: string }[] };
    assert.deepEqual(body.errors.map((e) => e.code).sort(), ['invalidPositivePrompt', 'invalidWidth']);
    assert.equal(body.errors[0]!.taskUUID, task().taskUUID);
  });

  test('per-key faults apply to Runware keys too', async () => {
    await devPost(srv.url, '/__dev/faults', { api_key: 'rw-faulty', script: ['429', '500'] });
    const send = () =>
      devPost(srv.url, '/runware/v1', [
        { taskType: 'authentication', apiKey: 'rw-faulty' },
        task({ width: 128, height: 128 }),
      ]);
    const first = await send();
    assert.equal(first.status, 429);
    assert.equal(first.headers.get('retry-after'), '1');
    assert.ok(((await first.json()) as { errors: unknown[] }).errors.length);
    assert.equal((await send()).status, 500);
    assert.equal((await send()).status, 200);
    const s = await stats(srv.url, 'rw-faulty');
    assert.deepEqual([s.requests, s.by_outcome['429'], s.by_outcome['500'], s.by_outcome.ok], [3, 1, 1, 1]);
  });
});
