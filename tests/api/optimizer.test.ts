import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { metaText, readMeta, setTextMinimal } from '../../core/draft/meta';
import { scoreDocument, type EditorBrief } from '../../core/draft-score';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { call, signup, type Session } from '../helpers/api';
import { expectError, populateAccount, shardBinding, type AccountFx } from '../helpers/fixtures';
import { openDraft, type DraftClient } from '../helpers/yjs-socket';

/**
 * Issue 11, scope items 1–4 on the server: meta fields live in the shared draft and the row is
 * their projection; the room scores on projection (the same score the browser computes from the
 * same document and brief), records history, and keeps the site inventory; the Optimizer API.
 */
let fx: AccountFx;
let stranger: Session;
const open: DraftClient[] = [];
const O = '/api/v1/optimizer';
const db = () => shardBinding(fx.shard);

async function createContent(title: string, siteId = fx.granted.id, sectorId = fx.granted.sectorId) {
  const res = await call('POST', '/api/v1/writer/content/', {
    token: fx.members.owner.token,
    body: { site_id: siteId, sector_id: sectorId, title },
  });
  if (res.status !== 201) throw new Error(`content failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.id as number;
}

/** An idea with an outline and a cluster with keywords, and a task between them: what a brief is made of. */
async function briefedContent(title: string): Promise<number> {
  const a = fx.accountId;
  const s = fx.granted.id;
  const sec = fx.granted.sectorId;
  const now = Date.now();
  const cluster = await db()
    .prepare(
      `INSERT INTO clusters (account_id, site_id, sector_id, name, normalized_name, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .bind(a, s, sec, `Sourdough ${now}`, `sourdough ${now}`, now, now)
    .first<{ id: number }>();
  for (const [kw, volume] of [
    ['sourdough starter', 900],
    ['feed starter', 300],
  ] as const) {
    await db()
      .prepare(
        `INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, volume, cluster_id, created_at,
                               updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(a, s, sec, kw, `${kw} ${now}`, volume, cluster!.id, now, now)
      .run();
  }
  const outline = [
    { h2: 'What a starter is', coverage: 'flour and water fermenting' },
    { h2: 'Feeding schedule', coverage: 'how often to feed' },
  ];
  const idea = await db()
    .prepare(
      `INSERT INTO content_ideas (account_id, site_id, sector_id, cluster_id, idea_title, outline, target_keywords,
                                  created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .bind(a, s, sec, cluster!.id, title, JSON.stringify(outline), '["sourdough starter"]', now, now)
    .first<{ id: number }>();
  const task = await db()
    .prepare(
      `INSERT INTO tasks (account_id, site_id, sector_id, cluster_id, idea_id, title, target_keywords,
                          word_count_target, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 300, ?, ?)
       RETURNING id`,
    )
    .bind(a, s, sec, cluster!.id, idea!.id, title, '["sourdough starter"]', now, now)
    .first<{ id: number }>();
  const content = await db()
    .prepare(
      `INSERT INTO content (account_id, site_id, sector_id, task_id, cluster_id, title, primary_keyword, created_at,
                            updated_at) VALUES (?, ?, ?, ?, ?, ?, 'sourdough starter', ?, ?) RETURNING id`,
    )
    .bind(a, s, sec, task!.id, cluster!.id, title, now, now)
    .first<{ id: number }>();
  return content!.id;
}

const ARTICLE = `
<p>A sourdough starter is flour and water that ferments. This guide shows how to keep one alive.</p>
<h2>What a starter is</h2><p>Wild yeast and bacteria in flour and water fermenting together make a starter.</p>
<h2>Feeding schedule for a sourdough starter</h2><p>Feed the starter every day at room temperature.</p>`;

async function connect(contentId: number, s = fx.members.editor) {
  const client = await openDraft(contentId, s.token);
  open.push(client);
  await client.synced;
  return client;
}

const row = (contentId: number) =>
  db()
    .prepare('SELECT title, slug, meta_description, primary_keyword, tags FROM content WHERE account_id = ? AND id = ?')
    .bind(fx.accountId, contentId)
    .first<{ title: string; slug: string; meta_description: string; primary_keyword: string; tags: string }>();

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  fx = await populateAccount(await signup('optimizer'), 'optimizer');
  stranger = await signup('optimizer-stranger');
});

afterAll(() => {
  for (const c of open) c.close();
});

describe('meta fields in the shared draft', () => {
  it('an API edit reaches every editor live, and the row is the projection of what they type', async () => {
    const id = await createContent('Bread basics');
    const a = await connect(id);
    const b = await connect(id, fx.members.owner);
    expect(readMeta(a.doc)?.title).toBe('Bread basics');

    const patched = await call('PATCH', `/api/v1/writer/content/${id}/`, {
      token: fx.members.editor.token,
      body: { slug: 'bread-basics', primary_keyword: 'bread basics', tags: ['bread'] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ slug: 'bread-basics', primary_keyword: 'bread basics' });
    await a.until('the API edit', () => readMeta(a.doc)?.primary_keyword === 'bread basics');

    // Two editors type in the same field at the same moment: both edits survive, in the row too.
    setTextMinimal(metaText(a.doc, 'meta_description')!, 'Learn bread.');
    await b.until('a sees b', () => readMeta(b.doc)?.meta_description === 'Learn bread.');
    setTextMinimal(metaText(a.doc, 'meta_description')!, 'Quickly learn bread.');
    setTextMinimal(metaText(b.doc, 'meta_description')!, 'Learn bread at home.');
    const merged = 'Quickly learn bread at home.';
    await a.until('merge', () => readMeta(a.doc)?.meta_description === merged);
    await b.until('merge', () => readMeta(b.doc)?.meta_description === merged);
    await until(
      'the projection',
      () => row(id),
      (r) => r?.meta_description === merged,
    );
    expect(JSON.parse((await row(id))!.tags)).toEqual(['bread']);
  });

  it('a slug another article of the site holds is refused with 409; a typed slug is projected as a slug', async () => {
    const first = await createContent('Rye');
    const second = await createContent('Spelt');
    expect(
      (
        await call('PATCH', `/api/v1/writer/content/${first}/`, {
          token: fx.members.editor.token,
          body: { slug: 'rye' },
        })
      ).status,
    ).toBe(200);
    const taken = await call('PATCH', `/api/v1/writer/content/${second}/`, {
      token: fx.members.editor.token,
      body: { slug: 'rye' },
    });
    expectError(taken, 409, 'slug_taken');
    expectError(
      await call('PATCH', `/api/v1/writer/content/${second}/`, {
        token: fx.members.editor.token,
        body: { slug: 'Not A Slug' },
      }),
      400,
    );
    // Typed in the shared field (no API check), a taken slug is projected with the article's id.
    const c = await connect(second);
    setTextMinimal(metaText(c.doc, 'slug')!, 'rye');
    await until(
      'the projected slug',
      () => row(second),
      (r) => r?.slug === `rye-${second}`,
    );
  });
});

describe('the score, recorded on projection', () => {
  it('the room records the same score the browser computes from the same document and brief', async () => {
    const id = await briefedContent('Sourdough starter guide');
    await draftRoomOf(env, fx.accountId, id).replaceWithHtml(ARTICLE);
    const brief = await call('GET', `${O}/brief/${id}/`, { token: fx.members.viewer.token });
    expect(brief.status).toBe(200);
    const editorBrief = brief.body.data as EditorBrief;
    expect(editorBrief.brief.outline.map((s) => s.h2)).toEqual(['What a starter is', 'Feeding schedule']);
    expect(editorBrief.brief.clusterKeywords[0]).toEqual({ keyword: 'sourdough starter', volume: 900 });
    expect(editorBrief.brief.wordRange).toEqual({ min: 240, max: 390 });

    const client = await connect(id);
    const browserScore = scoreDocument(client.doc, editorBrief);
    const analyzed = await call('POST', `${O}/analyze/`, {
      token: fx.members.editor.token,
      body: { content_ids: [id] },
    });
    expect(analyzed.status).toBe(200);
    expect(analyzed.body.data[0]).toMatchObject({ content_id: id, score: browserScore.score, band: browserScore.band });
    expect(browserScore.score).toBeGreaterThan(0);

    const stored = await db()
      .prepare('SELECT score, scorer_version FROM content_scores WHERE account_id = ? AND content_id = ?')
      .bind(fx.accountId, id)
      .first<{ score: number; scorer_version: number }>();
    expect(stored?.score).toBe(browserScore.score);

    // An edit that moves the score adds a history point; saving the same score again does not.
    const before = (await call('GET', `${O}/scores/${id}/history/`, { token: fx.members.viewer.token })).body.data;
    client.doc.transact(() => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('Short. '.repeat(5))]);
      client.fragment.insert(client.fragment.length, [p]);
      setTextMinimal(
        metaText(client.doc, 'meta_description')!,
        'How to make and feed a sourdough starter at home: flour, water, a jar, and a daily feeding schedule ' +
          'that keeps it bubbly and ready to bake.',
      );
    });
    await client.until('sent', () => true);
    const after = await until(
      'a history point',
      async () => (await call('GET', `${O}/scores/${id}/history/`, { token: fx.members.viewer.token })).body.data,
      (h: { score: number }[]) => h.length === before.length + 1,
    );
    const again = await call('POST', `${O}/analyze/`, { token: fx.members.editor.token, body: { content_ids: [id] } });
    expect(again.body.data[0].score).toBe(after.at(-1)?.score);
    expect(
      (await call('GET', `${O}/scores/${id}/history/`, { token: fx.members.viewer.token })).body.data,
    ).toHaveLength(after.length);
  });

  it('the scores list ranks a site’s articles, filters by band, and never shows another site or account', async () => {
    const res = await call('GET', `${O}/scores/?site_id=${fx.granted.id}&ordering=-score`, {
      token: fx.members.viewer.token,
    });
    expect(res.status).toBe(200);
    const scores = res.body.results.map((r: { score: number | null }) => r.score ?? -1);
    expect(scores).toEqual([...scores].sort((x: number, y: number) => y - x));
    expect(res.body.results[0].issues.length).toBeGreaterThan(0);
    const unscored = await call('GET', `${O}/scores/?site_id=${fx.granted.id}&band=unscored`, {
      token: fx.members.viewer.token,
    });
    expect(unscored.body.results.every((r: { score: null }) => r.score === null)).toBe(true);
    expectError(await call('GET', `${O}/scores/?site_id=${fx.ungranted.id}`, { token: fx.members.viewer.token }), 404);
    expectError(await call('GET', `${O}/scores/?site_id=${fx.granted.id}`, { token: stranger.token }), 404);
    expectError(
      await call('GET', `${O}/scores/?site_id=${fx.granted.id}&ordering=constructor`, {
        token: fx.members.viewer.token,
      }),
      400,
    );
  });

  it('viewers read briefs and scores but never analyze; other accounts get 404 on every route', async () => {
    const id = await createContent('Tenancy');
    expectError(
      await call('POST', `${O}/analyze/`, { token: fx.members.viewer.token, body: { content_ids: [id] } }),
      403,
    );
    for (const [method, path, body] of [
      ['GET', `${O}/brief/${id}/`, undefined],
      ['GET', `${O}/scores/${id}/history/`, undefined],
      ['POST', `${O}/analyze/`, { content_ids: [id] }],
    ] as const) {
      expectError(await call(method, path, { token: stranger.token, body }), 404);
    }
    expectError(
      await call('POST', `${O}/analyze/`, { token: fx.members.editor.token, body: { content_ids: [] } }),
      400,
    );
    const hidden = await createContent('Hidden', fx.ungranted.id, fx.ungranted.sectorId);
    expectError(await call('GET', `${O}/brief/${hidden}/`, { token: fx.members.editor.token }), 404);
  });
});

describe('the site inventory', () => {
  it('keeps each article as a page with its terms; a link to a missing page is recorded broken', async () => {
    const target = await createContent('Baguette shaping');
    await call('PATCH', `/api/v1/writer/content/${target}/`, {
      token: fx.members.editor.token,
      body: { slug: 'baguette-shaping' },
    });
    await db()
      .prepare("UPDATE content SET status = 'published' WHERE account_id = ? AND id = ?")
      .bind(fx.accountId, target)
      .run();
    await draftRoomOf(env, fx.accountId, target).replaceWithHtml('<p>Shape a baguette with gentle folds.</p>');
    await call('POST', `${O}/analyze/`, { token: fx.members.editor.token, body: { content_ids: [target] } });
    const source = await createContent('Bread tools');
    await draftRoomOf(env, fx.accountId, source).replaceWithHtml(
      '<p>See <a href="/baguette-shaping/">shaping</a> and <a href="/gone/">this</a>.</p>',
    );
    await call('POST', `${O}/analyze/`, { token: fx.members.editor.token, body: { content_ids: [source] } });
    const pages = await db()
      .prepare(
        `SELECT id, ref_id, url, status, terms, inbound_count, outbound_count FROM site_pages
          WHERE account_id = ? AND kind = 'content' AND ref_id IN (?, ?)`,
      )
      .bind(fx.accountId, target, source)
      .all<{
        id: number;
        ref_id: number;
        url: string;
        status: string;
        terms: string;
        inbound_count: number;
        outbound_count: number;
      }>();
    const page = (ref: number) => pages.results.find((p) => p.ref_id === ref)!;
    expect(page(target)).toMatchObject({ url: '/baguette-shaping/', status: 'published', inbound_count: 1 });
    expect(JSON.parse(page(target).terms).length).toBeGreaterThan(0);
    expect(page(source)).toMatchObject({ status: 'draft', outbound_count: 1 });
    const links = await db()
      .prepare(
        'SELECT href, target_page_id, broken FROM site_links WHERE account_id = ? AND source_page_id = ? ORDER BY href',
      )
      .bind(fx.accountId, page(source).id)
      .all();
    expect(links.results).toEqual([
      { href: '/baguette-shaping/', target_page_id: page(target).id, broken: null },
      { href: '/gone/', target_page_id: null, broken: 'missing' },
    ]);
  });

  it('a deleted sector takes its articles’ pages, links and scores with it; links into them turn broken', async () => {
    const sector = (
      await call('POST', '/api/v1/auth/sectors/', {
        token: fx.members.owner.token,
        body: { site_id: fx.granted.id, name: `Doomed ${Date.now()}` },
      })
    ).body.data.id as number;
    const doomed = await createContent('Doomed article', fx.granted.id, sector);
    await call('PATCH', `/api/v1/writer/content/${doomed}/`, {
      token: fx.members.editor.token,
      body: { slug: `doomed-${doomed}` },
    });
    await db()
      .prepare("UPDATE content SET status = 'published' WHERE account_id = ? AND id = ?")
      .bind(fx.accountId, doomed)
      .run();
    await draftRoomOf(env, fx.accountId, doomed).replaceWithHtml('<p>Soon gone.</p>');
    const linker = await createContent('Links to the doomed one');
    await draftRoomOf(env, fx.accountId, linker).replaceWithHtml(`<p>Read <a href="/doomed-${doomed}/">it</a>.</p>`);
    await call('POST', `${O}/analyze/`, { token: fx.members.editor.token, body: { content_ids: [doomed, linker] } });
    const count = async (sqlText: string, ...args: unknown[]) =>
      (await db()
        .prepare(sqlText)
        .bind(...args)
        .first<{ n: number }>())!.n;
    const pageOf = "SELECT count(*) AS n FROM site_pages WHERE account_id = ? AND kind = 'content' AND ref_id = ?";
    expect(await count(pageOf, fx.accountId, doomed)).toBe(1);
    expect(
      await count(
        'SELECT inbound_count AS n FROM site_pages WHERE account_id = ? AND ref_id = ?',
        fx.accountId,
        doomed,
      ),
    ).toBe(1);

    const deleted = await call('DELETE', `/api/v1/auth/sectors/${sector}/`, { token: fx.members.owner.token });
    expect(deleted.status).toBe(200);
    expect(await count(pageOf, fx.accountId, doomed)).toBe(0);
    expect(
      await count(
        'SELECT count(*) AS n FROM content_scores WHERE account_id = ? AND content_id = ?',
        fx.accountId,
        doomed,
      ),
    ).toBe(0);
    const link = await db()
      .prepare(
        `SELECT l.target_page_id, l.broken FROM site_links l JOIN site_pages p ON p.id = l.source_page_id
          WHERE l.account_id = ? AND p.ref_id = ?`,
      )
      .bind(fx.accountId, linker)
      .first();
    expect(link).toEqual({ target_page_id: null, broken: 'missing' });
  });
});
