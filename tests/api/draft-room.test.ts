import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { draftFragment, draftToHtml } from '../../core/draft';
import { roomName } from '../../durable-objects/draft-room/protocol';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { call, signup, type Session } from '../helpers/api';
import { expectError, populateAccount, shardBinding, type AccountFx } from '../helpers/fixtures';
import { connectDraft, openDraft, type DraftClient } from '../helpers/yjs-socket';

/**
 * The DraftRoom: who gets a socket and with which rights, that what editors and the AI write
 * survives restarts and is projected (sanitized) into the content row, that large drafts are
 * chunked under the storage value cap, that the room saves when the last editor leaves, and named
 * versions in R2.
 */
let fx: AccountFx;
let stranger: Session;
const open: DraftClient[] = [];

async function createContent(s: Session, siteId: number, sectorId: number, title: string): Promise<number> {
  const res = await call('POST', '/api/v1/writer/content/', {
    token: s.token,
    body: { site_id: siteId, sector_id: sectorId, title },
  });
  if (res.status !== 201) throw new Error(`content failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.id;
}

const stub = (contentId: number) => env.DRAFT_ROOM.get(env.DRAFT_ROOM.idFromName(roomName(fx.accountId, contentId)));
const room = (contentId: number) => draftRoomOf(env, fx.accountId, contentId);

/** Drops the room's instance like a crash or an eviction: the next call starts a fresh one from storage. */
async function restart(contentId: number) {
  await runInDurableObject(stub(contentId), (_instance, state: DurableObjectState) =>
    state.abort('test: restart'),
  ).catch(() => undefined);
}

async function row(contentId: number) {
  return shardBinding(fx.shard)
    .prepare('SELECT html_content, word_count, draft_revision FROM content WHERE account_id = ? AND id = ?')
    .bind(fx.accountId, contentId)
    .first<{ html_content: string; word_count: number; draft_revision: number }>();
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function connect(s: Session, contentId: number) {
  const client = await openDraft(contentId, s.token);
  open.push(client);
  await client.synced;
  return client;
}

/** Appends a paragraph the way an editor does (y-prosemirror's shape). */
function typeParagraph(client: DraftClient, value: string) {
  client.doc.transact(() => {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(value)]);
    client.fragment.insert(client.fragment.length, [p]);
  });
}

beforeAll(async () => {
  fx = await populateAccount(await signup('draft'), 'draft');
  stranger = await signup('draft-stranger');
});

afterAll(() => {
  for (const c of open) c.close();
});

describe('who gets a socket', () => {
  let contentId: number;
  let hiddenContentId: number;
  beforeAll(async () => {
    contentId = await createContent(fx.members.owner, fx.granted.id, fx.granted.sectorId, 'Access');
    hiddenContentId = await createContent(fx.members.owner, fx.ungranted.id, fx.ungranted.sectorId, 'Hidden');
  });

  const refused = async (res: Response, status: number, code?: string) => {
    expect(res.status).toBe(status);
    expect(res.webSocket).toBeFalsy();
    expectError({ status: res.status, body: await res.json(), headers: res.headers }, status, code);
  };

  it('no token, a bad token, a refresh token: 401 before any upgrade', async () => {
    await refused(await connectDraft(contentId, null), 401, 'not_authenticated');
    await refused(await connectDraft(contentId, 'not-a-jwt'), 401);
    await refused(await connectDraft(contentId, fx.members.owner.refresh), 401);
  });

  it('another account, a site not granted, a missing draft: 404 before any upgrade', async () => {
    await refused(await connectDraft(contentId, stranger.token), 404, 'not_found');
    await refused(await connectDraft(hiddenContentId, fx.members.editor.token), 404, 'not_found');
    await refused(await connectDraft(hiddenContentId, fx.members.viewer.token), 404, 'not_found');
    await refused(await connectDraft(987_654_321, fx.members.owner.token), 404, 'not_found');
  });

  it('a plain GET gets 426', async () => {
    await refused(await connectDraft(contentId, fx.members.owner.token, {}), 426, 'upgrade_required');
  });

  it('the room itself refuses a socket that did not come through the Worker', async () => {
    const res = await stub(contentId).fetch(
      new Request('http://room/parties/draft-room/x', {
        headers: { Upgrade: 'websocket', 'x-igny8-draft-access': 'nope' },
      }),
    );
    expect(res.status).toBe(403);
    expect(res.webSocket).toBeFalsy();
  });

  it('owner, admin, editor (granted) and viewer (granted) get a socket and the same document', async () => {
    for (const role of ['owner', 'admin', 'editor', 'viewer'] as const) {
      const c = await connect(fx.members[role], contentId);
      expect(c.html()).toBe('');
    }
  });

  it("a viewer's socket is read-only: its changes never reach the room or anyone else", async () => {
    const editor = await connect(fx.members.editor, contentId);
    const viewer = await connect(fx.members.viewer, contentId);
    typeParagraph(viewer, 'viewer was here');
    typeParagraph(editor, 'editor was here');
    await viewer.until('the editor’s paragraph at the viewer', () => viewer.html().includes('editor was here'));
    await editor.until('the editor’s own paragraph', () => editor.html().includes('editor was here'));
    await new Promise((r) => setTimeout(r, 200));
    expect(editor.html()).not.toContain('viewer was here');
    expect((await room(contentId).snapshotHtml()).html).toBe('<p>editor was here</p>');
    // A fresh client syncing from the room gets the editor's paragraph only (the viewer's sync step 2 was dropped too).
    const late = await connect(fx.members.admin, contentId);
    expect(late.html()).toBe('<p>editor was here</p>');
  });
});

describe('the AI writing into a draft someone has open', () => {
  it('each appended section reaches the connected editor before the generation finishes', async () => {
    const contentId = await createContent(fx.members.owner, fx.granted.id, fx.granted.sectorId, 'AI draft');
    const editor = await connect(fx.members.editor, contentId);
    const ai = room(contentId);
    expect(await ai.beginGeneration({ job_id: 'job-1', title: 'Raised beds' })).toMatchObject({
      status: 'generating',
      job_id: 'job-1',
      sections: 0,
    });
    const sections = [
      {
        h2: 'Why raised beds',
        html: '<p>They <strong>drain</strong> well.</p><ul><li>Warm soil</li><li>Less bending</li></ul>',
      },
      {
        h2: 'Costs',
        html:
          '<table><thead><tr><th>Wood</th><th>Cost</th></tr></thead>' +
          '<tbody><tr><td>Cedar</td><td>High</td></tr></tbody></table>',
      },
      { h2: 'Getting started', html: '<p>Start small.</p><script>alert(1)</script>' },
    ];
    let expected = '';
    for (const [index, s] of sections.entries()) {
      expect(await ai.appendSection(s.h2, s.html, { job_id: 'job-1', index })).toMatchObject({ appended: true });
      expected += `<h2>${s.h2}</h2>${s.html.replace('<script>alert(1)</script>', '')}`;
      await editor.until(`section ${index + 1} at the editor`, () => editor.html() === expected);
    }
    // A retried job step does not append the same section twice.
    expect(await ai.appendSection(sections[0]!.h2, sections[0]!.html, { job_id: 'job-1', index: 0 })).toEqual({
      appended: false,
      blocks: 0,
    });
    const before = (await row(contentId))!.draft_revision;
    const done = await ai.finishGeneration();
    expect(done).toMatchObject({
      html: expected,
      generation: { status: 'done', sections: 3 },
      projection: { kind: 'written' },
    });
    const r = (await row(contentId))!;
    expect(r.html_content).toBe(expected);
    expect(r.word_count).toBe(done.word_count);
    expect(r.word_count).toBeGreaterThan(15);
    expect(r.draft_revision).toBe(before + 1);
    expect(editor.doc.getMap('generation').get('status')).toBe('done');
  });
});

describe('persistence', () => {
  it('survives a restart after the debounced save while the editor stays connected', async () => {
    const contentId = await createContent(fx.members.owner, fx.granted.id, fx.granted.sectorId, 'Debounce');
    const editor = await connect(fx.members.editor, contentId);
    typeParagraph(editor, 'saved by the debounce');
    await until(
      'the debounced projection',
      () => row(contentId),
      (r) => r!.html_content === '<p>saved by the debounce</p>',
      8000,
    );
    await restart(contentId);
    expect((await room(contentId).snapshotHtml()).html).toBe('<p>saved by the debounce</p>');
  });

  it('saves when the last client leaves, without waiting for the debounce', async () => {
    const contentId = await createContent(fx.members.owner, fx.granted.id, fx.granted.sectorId, 'Last one out');
    const a = await connect(fx.members.editor, contentId);
    const b = await connect(fx.members.owner, contentId);
    b.close();
    typeParagraph(a, 'typed just before leaving');
    const typedAt = Date.now();
    await new Promise((r) => setTimeout(r, 100)); // the update reaches the room
    a.close();
    const saved = await until(
      'the save on close',
      () => row(contentId),
      (r) => r!.html_content === '<p>typed just before leaving</p>',
      5000,
    );
    // The debounce waits 2 s after the last change: a save seen before that came from the close.
    expect(Date.now() - typedAt).toBeLessThan(1800);
    expect(saved!.word_count).toBe(4);
    await restart(contentId);
    expect((await room(contentId).snapshotHtml()).html).toBe('<p>typed just before leaving</p>');
  });

  it('two editors typing at once: every keystroke reaches the other and survives a restart', async () => {
    const contentId = await createContent(fx.members.owner, fx.granted.id, fx.granted.sectorId, 'Typing together');
    const a = await connect(fx.members.editor, contentId);
    const b = await connect(fx.members.owner, contentId);
    typeParagraph(a, '');
    await b.until('the paragraph at the second editor', () => b.fragment.length === 1);
    const text = (c: DraftClient) => (c.fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    for (let i = 0; i < 60; i++) {
      const [writer, key] = i % 2 === 0 ? [a, 'a'] : [b, 'b'];
      text(writer).insert(text(writer).length, key);
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5)); // messages in flight while the other types
    }
    await a.until('every keystroke at the first editor', () => text(a).length === 60);
    await b.until('every keystroke at the second editor', () => text(b).length === 60);
    expect(text(a).toString()).toBe(text(b).toString());
    const typed = a.html();
    a.close();
    b.close();
    await until(
      'the save on close',
      () => row(contentId),
      (r) => r!.html_content === typed,
      5000,
    );
    await restart(contentId);
    expect((await room(contentId).snapshotHtml()).html).toBe(typed);
  });

  it('keeps the layout versioned in storage and starts a new draft from the content row’s HTML', async () => {
    const contentId = await createContent(fx.members.owner, fx.granted.id, fx.granted.sectorId, 'Seeded');
    await shardBinding(fx.shard)
      .prepare('UPDATE content SET html_content = ? WHERE account_id = ? AND id = ?')
      .bind('<h2>Imported</h2><p>before the room existed</p>', fx.accountId, contentId)
      .run();
    const editor = await connect(fx.members.editor, contentId);
    expect(editor.html()).toBe('<h2>Imported</h2><p>before the room existed</p>');
    const meta = await runInDurableObject(stub(contentId), (_i, state: DurableObjectState) =>
      state.storage.get('draft/meta'),
    );
    expect(meta).toMatchObject({ v: 1, gen: 1, chunks: 1, log: [] });
    // Seeded once: after a restart the same Yjs items come back, so the open client doesn't get a second copy.
    await restart(contentId);
    const again = await connect(fx.members.owner, contentId);
    expect(again.html()).toBe('<h2>Imported</h2><p>before the room existed</p>');
    Y.applyUpdate(editor.doc, Y.encodeStateAsUpdate(again.doc));
    expect(editor.html()).toBe('<h2>Imported</h2><p>before the room existed</p>');
  });

  it('chunks a draft over 2 MB under the storage value cap and restores it whole after a restart', async () => {
    const contentId = await createContent(fx.members.owner, fx.granted.id, fx.granted.sectorId, 'Huge');
    const html = Array.from(
      { length: 7000 },
      (_, i) => `<p>${Array.from({ length: 40 }, (_, w) => `p${i}w${w}`).join(' ')}</p>`,
    ).join('');
    const before = (await row(contentId))!;
    const replaced = await room(contentId).replaceWithHtml(html);
    expect(replaced.word_count).toBe(7000 * 40);
    // Too large for a D1 row: the projection is skipped, not half-written, and the row is left alone.
    expect(replaced.projection).toMatchObject({ kind: 'too_large' });
    expect((await row(contentId))!.draft_revision).toBe(before.draft_revision);
    const stored = await runInDurableObject(stub(contentId), async (_i, state: DurableObjectState) => {
      const meta = (await state.storage.get<{ gen: number; chunks: number; bytes: number }>('draft/meta'))!;
      const keys = Array.from({ length: meta.chunks }, (_, i) => `draft/snap/${meta.gen}/${i}`);
      const chunks = await state.storage.get<Uint8Array>(keys);
      return { meta, sizes: keys.map((k) => chunks.get(k)!.byteLength) };
    });
    expect(stored.meta.bytes).toBeGreaterThan(2 * 1024 * 1024);
    expect(stored.sizes.length).toBeGreaterThanOrEqual(3);
    for (const size of stored.sizes) expect(size).toBeLessThanOrEqual(1024 * 1024);
    expect(stored.sizes.reduce((a, b) => a + b, 0)).toBe(stored.meta.bytes);
    await restart(contentId);
    const after = await room(contentId).snapshotHtml();
    expect(after.word_count).toBe(7000 * 40);
    expect(after.html).toBe(replaced.html);
  });
});

describe('the HTML projection in the content row', () => {
  it('is sanitized: script, handlers and javascript: links written by an editor never reach the row', async () => {
    const contentId = await createContent(fx.members.owner, fx.granted.id, fx.granted.sectorId, 'Unsafe');
    const res = await room(contentId).replaceWithHtml(
      '<p onclick="steal()">Hello <a href="javascript:alert(1)">click</a></p>' +
        '<script>alert(1)</script><img src="x" onerror="alert(1)">',
    );
    expect(res.html).toBe('<p>Hello click</p><img src="x" alt="">');
    // An editor can write anything into Yjs directly, bypassing any HTML: the projection checks it.
    const editor = await connect(fx.members.editor, contentId);
    editor.doc.transact(() => {
      const p = new Y.XmlElement('paragraph');
      const t = new Y.XmlText();
      p.insert(0, [t]);
      editor.fragment.insert(editor.fragment.length, [p]);
      t.insert(0, '<script>alert(2)</script>');
      t.insert(t.length, 'bad', { link: { href: 'javascript:alert(3)' } });
      const img = new Y.XmlElement('image');
      img.setAttribute('src', 'data:text/html;base64,PHNjcmlwdD4=');
      editor.fragment.insert(editor.fragment.length, [img]);
    });
    await new Promise((r) => setTimeout(r, 100));
    editor.close();
    const r = await until(
      'the projection',
      () => row(contentId),
      (x) => x!.html_content.includes('alert(2)'),
    );
    expect(r!.html_content).toBe(
      '<p>Hello click</p><img src="x" alt=""><p>&lt;script&gt;alert(2)&lt;/script&gt;bad</p>',
    );
    expect(r!.html_content).not.toMatch(/<script|javascript:|data:|onerror|onclick/);
  });

  it('GET …/draft/ serves the live projection to whoever can read the draft', async () => {
    const contentId = await createContent(fx.members.owner, fx.granted.id, fx.granted.sectorId, 'Read me');
    await room(contentId).replaceWithHtml('<h2>Live</h2><p>draft</p>');
    const res = await call('GET', `/api/v1/writer/content/${contentId}/draft/`, { token: fx.members.viewer.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      content_id: contentId,
      html: '<h2>Live</h2><p>draft</p>',
      word_count: 2,
      generation: { status: 'idle' },
    });
    expectError(
      await call('GET', `/api/v1/writer/content/${contentId}/draft/`, { token: stranger.token }),
      404,
      'not_found',
    );
    expectError(await call('GET', `/api/v1/writer/content/${contentId}/draft/`), 401);
  });
});

describe('named versions', () => {
  let contentId: number;
  beforeAll(async () => {
    contentId = await createContent(fx.members.owner, fx.granted.id, fx.granted.sectorId, 'Versioned');
    await room(contentId).replaceWithHtml('<h2>First</h2><p>version one</p>');
  });

  it('saves a version to R2 under the content’s key, with who and when', async () => {
    const res = await call('POST', `/api/v1/writer/content/${contentId}/versions/`, {
      token: fx.members.editor.token,
      body: { name: 'Before legal review' },
    });
    expect(res.status).toBe(201);
    const v = res.body.data;
    expect(v).toMatchObject({ name: 'Before legal review', user_id: fx.members.editor.userId, word_count: 3 });
    expect(v.id).toMatch(/^\d{8}T\d{9}Z-before-legal-review$/);
    const key = `accounts/${fx.accountId}/sites/${fx.granted.id}/content/${contentId}/versions/${v.id}.yjs`;
    const object = await env.MEDIA.get(key);
    expect(object).not.toBeNull();
    expect(object!.customMetadata).toMatchObject({
      format: 'yjs-update-v1',
      name: 'Before legal review',
      user_id: String(fx.members.editor.userId),
    });
    const saved = new Y.Doc();
    Y.applyUpdate(saved, new Uint8Array(await object!.arrayBuffer()));
    expect(draftToHtml(draftFragment(saved))).toBe('<h2>First</h2><p>version one</p>');
  });

  it(
    'restores a version for everyone connected, ' + 'as a new change (no reset), keeping a backup of what it replaced',
    async () => {
      const [first] = (
        await call('GET', `/api/v1/writer/content/${contentId}/versions/`, { token: fx.members.viewer.token })
      ).body.results;
      const a = await connect(fx.members.editor, contentId);
      const b = await connect(fx.members.owner, contentId);
      typeParagraph(a, 'written after the version');
      await b.until('a’s paragraph at b', () => b.html().includes('written after the version'));
      const clientIds = [a.doc.clientID, b.doc.clientID];
      const res = await call('POST', `/api/v1/writer/content/${contentId}/versions/${first.id}/restore/`, {
        token: fx.members.owner.token,
      });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ html: '<h2>First</h2><p>version one</p>', restored: { id: first.id } });
      for (const c of [a, b])
        await c.until('the restored draft', () => c.html() === '<h2>First</h2><p>version one</p>');
      expect([a.doc.clientID, b.doc.clientID]).toEqual(clientIds);
      // Both keep editing the restored draft and still converge.
      typeParagraph(a, 'after restore');
      await b.until(
        'the edit after restore',
        () => b.html() === '<h2>First</h2><p>version one</p><p>after restore</p>',
      );
      const list = (
        await call('GET', `/api/v1/writer/content/${contentId}/versions/`, { token: fx.members.owner.token })
      ).body;
      expect(list.count).toBe(2);
      expect(list.results[0].name).toBe('Before restoring Before legal review');
      await until(
        'the restored projection',
        () => row(contentId),
        (r) => r!.html_content.startsWith('<h2>First</h2><p>version one</p>'),
      );
    },
  );

  it('viewers can list but not save or restore; other accounts see nothing; unknown ids are 404', async () => {
    expectError(
      await call('POST', `/api/v1/writer/content/${contentId}/versions/`, {
        token: fx.members.viewer.token,
        body: { name: 'x' },
      }),
      403,
    );
    expectError(
      await call('GET', `/api/v1/writer/content/${contentId}/versions/`, { token: stranger.token }),
      404,
      'not_found',
    );
    expectError(
      await call('POST', `/api/v1/writer/content/${contentId}/versions/`, {
        token: stranger.token,
        body: { name: 'x' },
      }),
      404,
      'not_found',
    );
    expectError(
      await call('POST', `/api/v1/writer/content/${contentId}/versions/20261118T101500123Z-nope/restore/`, {
        token: fx.members.owner.token,
      }),
      404,
      'not_found',
    );
    expectError(
      await call('POST', `/api/v1/writer/content/${contentId}/versions/..%2F..%2Fother/restore/`, {
        token: fx.members.owner.token,
      }),
      404,
      'not_found',
    );
    expectError(
      await call('POST', `/api/v1/writer/content/${contentId}/versions/`, {
        token: fx.members.owner.token,
        body: { name: '' },
      }),
      400,
      'validation_error',
    );
  });
});

describe('test hooks', () => {
  it('the restart route does not exist unless the server runs with TEST_ROUTES=true', async () => {
    const contentId = await createContent(fx.members.owner, fx.granted.id, fx.granted.sectorId, 'Hooks');
    expectError(
      await call('POST', `/api/v1/_test/draft-rooms/${contentId}/restart/`, { token: fx.members.owner.token }),
      404,
    );
  });
});
