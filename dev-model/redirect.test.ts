import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDevModelServer, type DevModelServer } from './server.ts';

describe('/__dev/redirect', () => {
  let srv: DevModelServer;
  before(async () => {
    srv = await startDevModelServer({ port: 0, verbose: false });
  });
  after(() => srv.close());

  test('answers the status with Location = target + rest of the path + query', async () => {
    const target = encodeURIComponent('http://0.0.0.0:1/v1');
    const res = await fetch(`${srv.url}/__dev/redirect/307/${target}/chat/completions?x=1`, {
      method: 'POST',
      redirect: 'manual',
    });
    assert.equal(res.status, 307);
    assert.equal(res.headers.get('location'), 'http://0.0.0.0:1/v1/chat/completions?x=1');
  });

  test('nests into a chain that ends at the server itself', async () => {
    const inner = `${srv.url}/__dev/redirect/302/${encodeURIComponent(srv.url)}`;
    const res = await fetch(`${srv.url}/__dev/redirect/301/${encodeURIComponent(inner)}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true });
  });
});
