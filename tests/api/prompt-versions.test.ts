import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, signup, type Session } from '../helpers/api';

const P = '/api/v1/system/prompts';

async function save(s: Session, text: string, type = 'clustering') {
  return call('PUT', `${P}/${type}/`, { token: s.token, body: { prompt_value: text } });
}

async function balance(s: Session) {
  return (await call('GET', '/api/v1/billing/balance/', { token: s.token })).body.data.balance as number;
}

describe('prompt versions', () => {
  let owner: Session;

  beforeAll(async () => {
    owner = await signup('prompts');
  });

  it('writes a version on every save, lists them newest first with the author, and diffs two', async () => {
    const first = await save(owner, 'Group the keywords.\nKeep names short.');
    expect(first.status).toBe(200);
    expect(first.body.data.version).toBe(1);
    const second = await save(owner, 'Group the keywords.\nKeep names very short.\nNever invent keywords.');
    expect(second.body.data.version).toBe(2);

    const list = await call('GET', `${P}/clustering/versions/`, { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.count).toBe(2);
    expect(list.body.results.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(list.body.results[0]).toMatchObject({ source: 'edit', author_name: 'prompts user' });

    const one = await call('GET', `${P}/clustering/versions/1/`, { token: owner.token });
    expect(one.body.data.prompt_value).toBe('Group the keywords.\nKeep names short.');
    expect((await call('GET', `${P}/clustering/versions/99/`, { token: owner.token })).status).toBe(404);

    const diff = await call('GET', `${P}/clustering/diff/?from=1&to=2`, { token: owner.token });
    expect(diff.status).toBe(200);
    expect(diff.body.data).toMatchObject({ added: 2, removed: 1 });
    expect(diff.body.data.lines.map((l: { op: string; text: string }) => `${l.op} ${l.text}`)).toEqual([
      'same Group the keywords.',
      'removed Keep names short.',
      'added Keep names very short.',
      'added Never invent keywords.',
    ]);
  });

  it('restores an old version as a new one, and reset writes a "reset" version', async () => {
    const restored = await call('POST', `${P}/clustering/restore/`, { token: owner.token, body: { version: 1 } });
    expect(restored.status).toBe(200);
    expect(restored.body.data).toMatchObject({ version: 3, prompt_value: 'Group the keywords.\nKeep names short.' });
    const live = (await call('GET', `${P}/`, { token: owner.token })).body.data.find(
      (p: { prompt_type: string }) => p.prompt_type === 'clustering',
    );
    expect(live).toMatchObject({ prompt_value: 'Group the keywords.\nKeep names short.', is_default: false });
    const v3 = (await call('GET', `${P}/clustering/versions/3/`, { token: owner.token })).body.data;
    expect(v3).toMatchObject({ source: 'restore', restored_from: 1 });

    const reset = await call('POST', `${P}/clustering/reset/`, { token: owner.token });
    expect(reset.body.data).toMatchObject({ version: 4, is_default: true });
    const v4 = (await call('GET', `${P}/clustering/versions/4/`, { token: owner.token })).body.data;
    expect(v4).toMatchObject({ source: 'reset', prompt_value: reset.body.data.default_value });
    const after = (await call('GET', `${P}/`, { token: owner.token })).body.data.find(
      (p: { prompt_type: string }) => p.prompt_type === 'clustering',
    );
    expect(after.is_default).toBe(true);
    expect((await call('POST', `${P}/clustering/restore/`, { token: owner.token, body: { version: 42 } })).status).toBe(
      404,
    );
  });

  it('gives concurrent saves distinct consecutive versions', async () => {
    const saves = await Promise.all(
      Array.from({ length: 8 }, (_, i) => save(owner, `Parallel edit number ${i} of the ideas prompt.`, 'ideas')),
    );
    expect(saves.map((s) => s.status)).toEqual(Array(8).fill(200));
    const versions = saves.map((s) => s.body.data.version as number).sort((a, b) => a - b);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const list = await call('GET', `${P}/ideas/versions/?page_size=100`, { token: owner.token });
    expect(list.body.count).toBe(8);
    // The live text is the one of the highest version.
    const top = list.body.results[0].version;
    const text = (await call('GET', `${P}/ideas/versions/${top}/`, { token: owner.token })).body.data.prompt_value;
    const live = (await call('GET', `${P}/`, { token: owner.token })).body.data.find(
      (p: { prompt_type: string }) => p.prompt_type === 'ideas',
    );
    expect(live.prompt_value).toBe(text);
  });

  it('tries a draft prompt on the dev model for free, and logs it as a prompt_test call', async () => {
    const before = await balance(owner);
    const res = await call('POST', `${P}/clustering/try/`, {
      token: owner.token,
      body: {
        text: 'Group these keywords into clusters, please.',
        input: { keywords: ['raised bed soil', 'raised bed garden', 'compost tea'] },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ ok: true, is_demo: true, problem: null });
    expect(res.body.data.parsed.clusters.length).toBeGreaterThan(0);
    expect(res.body.data.tokens_in).toBeGreaterThan(0);
    expect(await balance(owner)).toBe(before);
    const logged = await call('GET', `/api/v1/system/ai-calls/${res.body.data.call_id}/body/`, { token: owner.token });
    expect(logged.status).toBe(200);
    expect(logged.body.data.request.messages[0].content).toBe('Group these keywords into clusters, please.');
    const row = (await call('GET', `/api/v1/system/ai-calls/${res.body.data.call_id}/`, { token: owner.token })).body
      .data;
    expect(row).toMatchObject({ purpose: 'prompt_test', status: 'ok', created_by_user_id: owner.userId });
  });

  it('generates one test image with the image prompt, free, logged as image_test without the bytes', async () => {
    const before = await balance(owner);
    const res = await call('POST', `${P}/image_generation/test_image/`, {
      token: owner.token,
      body: { prompt: 'a cedar raised bed at dawn' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.ok).toBe(true);
    expect(res.body.data.image).toMatch(/^data:image\/(png|jpeg|webp);base64,/);
    expect(await balance(owner)).toBe(before);
    const body = await call('GET', `/api/v1/system/ai-calls/${res.body.data.call_id}/body/`, { token: owner.token });
    expect(body.body.data.request.prompt).toContain('a cedar raised bed at dawn');
    expect(body.body.data.reply.bytes).toBe(res.body.data.bytes);
    expect(JSON.stringify(body.body.data).length).toBeLessThan(2000);
    expect(
      (await call('POST', `${P}/clustering/test_image/`, { token: owner.token, body: { prompt: 'x y z' } })).status,
    ).toBe(400);
  });

  it('rate-limits tries per user: past 10 a minute, 429', async () => {
    const other = await signup('trylimit');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await call('POST', `${P}/clustering/try/`, { token: other.token, body: {} })).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses[10]).toBe(429);
  });

  it('lets only settings managers write; members of other accounts see only their own history', async () => {
    const editor = await addMember(owner, 'editor');
    const viewer = await addMember(owner, 'viewer');
    for (const member of [editor, viewer]) {
      expect((await save(member, 'An editor tries to change the prompt.')).status).toBe(403);
      expect((await call('POST', `${P}/clustering/reset/`, { token: member.token })).status).toBe(403);
      expect(
        (await call('POST', `${P}/clustering/restore/`, { token: member.token, body: { version: 1 } })).status,
      ).toBe(403);
      expect((await call('POST', `${P}/clustering/try/`, { token: member.token, body: {} })).status).toBe(403);
      expect(
        (await call('POST', `${P}/image_generation/test_image/`, { token: member.token, body: { prompt: 'abc' } }))
          .status,
      ).toBe(403);
    }
    const stranger = await signup('prompt-stranger');
    const theirs = await call('GET', `${P}/clustering/versions/`, { token: stranger.token });
    expect(theirs.body.count).toBe(0);
    expect((await call('GET', `${P}/clustering/versions/1/`, { token: stranger.token })).status).toBe(404);
    expect((await call('GET', `${P}/clustering/diff/?from=1&to=2`, { token: stranger.token })).status).toBe(404);
    expect((await call('GET', `${P}/nonsense/versions/`, { token: owner.token })).status).toBe(404);
  });
});
