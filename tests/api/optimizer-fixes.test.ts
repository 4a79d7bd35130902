import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readMeta } from '../../core/draft/meta';
import { MAX_VERSIONS_PER_DRAFT } from '../../core/realtime/limits';
import { type EditorBrief, scoreDocument } from '../../core/draft-score';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { call, signup, type Session } from '../helpers/api';
import { expectError, MISSING_ID, populateAccount, shardBinding, type AccountFx } from '../helpers/fixtures';
import { scriptFaults, useOwnModelKey, waitForJob } from '../helpers/jobs';
import { openDraft, type DraftClient } from '../helpers/yjs-socket';

/**
 * Issue 11, scope item 4: AI fixes as coordinator jobs. Each fix is priced before the click, saves
 * a "Before AI fix" version, lands in the shared draft as a targeted change (editors typing
 * elsewhere lose nothing), raises the check it is for, and is charged only when applied.
 */
let fx: AccountFx;
let stranger: Session;
const open: DraftClient[] = [];
const O = '/api/v1/optimizer';
const KEY = 'optimizer-fixes-key';
const db = () => shardBinding(fx.shard);

const LONG = Array.from(
  { length: 18 },
  (_, i) => `Step ${i + 1} of looking after the jar is simple and takes only a minute of your day.`,
).join(' ');

/** An intro without the keyword, a wall of a paragraph, the outline's middle section missing, no meta description. */
const ARTICLE = `
<p>Bread at home begins with patience. This guide walks through each step.</p>
<h2>What a starter is</h2><p>${LONG}</p>
<h2>Storing a starter</h2><p>Keep it in the fridge between bakes, in a clean jar.</p>
<p>Notes:</p>`;

/** An article with an idea (outline, target keyword), a cluster and a task: what its brief is made of. */
async function briefedContent(title: string): Promise<number> {
  const [a, s, sec, now] = [fx.accountId, fx.granted.id, fx.granted.sectorId, Date.now() + Math.random()];
  const cluster = await db()
    .prepare(
      `INSERT INTO clusters (account_id, site_id, sector_id, name, normalized_name, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .bind(a, s, sec, `Starter ${now}`, `starter ${now}`, Date.now(), Date.now())
    .first<{ id: number }>();
  const outline = [
    { h2: 'What a starter is', coverage: 'flour and water fermenting' },
    { h2: 'Feeding schedule', coverage: 'how often to feed the jar' },
    { h2: 'Storing a starter', coverage: 'fridge storage' },
  ];
  const idea = await db()
    .prepare(
      `INSERT INTO content_ideas (account_id, site_id, sector_id, cluster_id, idea_title, outline, target_keywords,
                                  created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .bind(a, s, sec, cluster!.id, title, JSON.stringify(outline), '["sourdough starter"]', Date.now(), Date.now())
    .first<{ id: number }>();
  const task = await db()
    .prepare(
      `INSERT INTO tasks (account_id, site_id, sector_id, cluster_id, idea_id, title, target_keywords,
                          word_count_target, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 400, ?, ?)
       RETURNING id`,
    )
    .bind(a, s, sec, cluster!.id, idea!.id, title, '["sourdough starter"]', Date.now(), Date.now())
    .first<{ id: number }>();
  const row = await db()
    .prepare(
      `INSERT INTO content (account_id, site_id, sector_id, task_id, cluster_id, title, primary_keyword, created_at,
                            updated_at) VALUES (?, ?, ?, ?, ?, ?, 'sourdough starter', ?, ?) RETURNING id`,
    )
    .bind(a, s, sec, task!.id, cluster!.id, title, Date.now(), Date.now())
    .first<{ id: number }>();
  await draftRoomOf(env, fx.accountId, row!.id).replaceWithHtml(ARTICLE);
  return row!.id;
}

async function connect(contentId: number) {
  const client = await openDraft(contentId, fx.members.editor.token);
  open.push(client);
  await client.synced;
  return client;
}

async function briefOf(contentId: number): Promise<EditorBrief> {
  return (await call('GET', `${O}/brief/${contentId}/`, { token: fx.members.editor.token })).body.data;
}

const checkOf = (doc: Y.Doc, brief: EditorBrief, id: string) =>
  scoreDocument(doc, brief).checks.filter((c) => c.id === id);

const analyze = async (contentId: number) =>
  (await call('POST', `${O}/analyze/`, { token: fx.members.editor.token, body: { content_ids: [contentId] } })).body
    .data[0] as { score: number; issues: { id: string }[] };

const balance = async () =>
  (await call('GET', '/api/v1/billing/balance/', { token: fx.members.owner.token })).body.data.balance as number;

const start = (contentId: number, actions: string[], s = fx.members.editor) =>
  call('POST', `${O}/optimize/`, { token: s.token, body: { content_ids: [contentId], actions } });

/** Waits until the job's AI call is under way (its targets were read; the model is still answering). */
async function untilCalling(taskId: string) {
  for (let i = 0; i < 300; i++) {
    const job = (
      await call('GET', `/api/v1/system/settings/task_progress/${taskId}/`, { token: fx.members.owner.token })
    ).body.data?.job;
    if (job?.status === 'running') return;
    if (['succeeded', 'failed', 'cancelled'].includes(job?.status)) throw new Error(`job ended: ${job.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the job never started its AI call');
}

/** The text of the draft's top-level block `i` in a client's copy. */
const blockText = (client: DraftClient, i: number) => {
  const el = client.fragment.get(i) as Y.XmlElement;
  return el
    .toArray()
    .map((n) => (n instanceof Y.XmlText ? n.toString() : ''))
    .join('');
};

beforeAll(async () => {
  fx = await populateAccount(await signup('optimizer-fixes'), 'optimizer-fixes');
  stranger = await signup('optimizer-fixes-stranger');
  await useOwnModelKey(fx.members.owner, KEY);
});

afterAll(() => {
  for (const c of open) c.close();
});

describe('AI fixes', () => {
  it('quotes each action’s credits and the checks it addresses before the click', async () => {
    const id = await briefedContent('Quote');
    const res = await call(
      'GET',
      `${O}/optimize/quote/?content_id=${id}&actions=intro,outline_section,split_paragraphs,meta_description`,
      { token: fx.members.viewer.token },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      content_id: id,
      credits: 5,
      credits_needed: 5,
      affordable: true,
      actions: [
        { action: 'intro', credits: 1, checks: ['placement.intro'], needed: true },
        { action: 'outline_section', credits: 2, checks: ['outline.section'], needed: true },
        { action: 'split_paragraphs', credits: 1, checks: ['readability.long-paragraphs'], needed: true },
        { action: 'meta_description', credits: 1, checks: ['placement.meta-description'], needed: true },
      ],
    });
    expectError(
      await call('GET', `${O}/optimize/quote/?content_id=${id}&actions=shout`, { token: fx.members.editor.token }),
      400,
    );
    expectError(
      await call('GET', `${O}/optimize/quote/?content_id=${id}&actions=intro`, { token: stranger.token }),
      404,
    );
  });

  it('rewrites the intro while an editor types elsewhere: the check goes green, every keystroke stays', async () => {
    const id = await briefedContent('Intro fix');
    const brief = await briefOf(id);
    const editor = await connect(id);
    expect(checkOf(editor.doc, brief, 'placement.intro')[0]!.light).not.toBe('green');
    const before = await analyze(id);
    expect(before.issues.map((i) => i.id)).toContain('placement.intro');
    const credits = await balance();

    await scriptFaults(KEY, { latency_ms: 1500 });
    const res = await start(id, ['intro']);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data.job.credits_reserved).toBe(1);
    await untilCalling(res.body.data.task_id);
    // The editor types into the last paragraph, one keystroke per change, while the AI writes.
    const notes = editor.fragment.get(editor.fragment.length - 1) as Y.XmlElement;
    const typed = ' feed at nine';
    for (const ch of typed) {
      const text = notes.get(0) as Y.XmlText;
      text.insert(text.length, ch);
      await new Promise((r) => setTimeout(r, 15));
    }
    const job = await waitForJob(fx.members.owner, res.body.data.task_id);
    await scriptFaults(KEY, { latency_ms: 0 });
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 1 });
    expect(job.result).toMatchObject({ applied: 1, skipped: 0 });

    await editor.until('the rewritten intro', () => /sourdough starter/i.test(blockText(editor, 0)));
    expect(blockText(editor, editor.fragment.length - 1)).toBe(`Notes:${typed}`);
    expect(blockText(editor, 1)).toBe('What a starter is'); // everything else as it was
    expect(checkOf(editor.doc, brief, 'placement.intro')[0]!.light).toBe('green');
    const room = await draftRoomOf(env, fx.accountId, id).snapshotHtml();
    expect(room.html).toContain(`Notes:${typed}`);

    const after = await analyze(id);
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.issues.map((i) => i.id)).not.toContain('placement.intro');
    const versions = await draftRoomOf(env, fx.accountId, id).listVersions();
    expect(versions.map((v) => v.name)).toContain('Before AI fix: intro');
    expect(await balance()).toBe(credits - 1);
  });

  it('an intro an editor changed while the AI wrote is not clobbered, and not charged', async () => {
    const id = await briefedContent('Stale intro');
    const editor = await connect(id);
    const credits = await balance();
    await scriptFaults(KEY, { latency_ms: 1500 });
    const res = await start(id, ['intro']);
    expect(res.status).toBe(202);
    await untilCalling(res.body.data.task_id);
    const intro = (editor.fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    intro.insert(0, 'Honestly, ');
    const job = await waitForJob(fx.members.owner, res.body.data.task_id);
    await scriptFaults(KEY, { latency_ms: 0 });
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 0 });
    expect(job.result).toMatchObject({ applied: 0, stale: 1 });
    const html = (await draftRoomOf(env, fx.accountId, id).snapshotHtml()).html;
    expect(html).toContain('Honestly, Bread at home begins with patience.');
    expect(blockText(editor, 0)).toBe(
      'Honestly, Bread at home begins with patience. This guide walks through each step.',
    );
    expect((await draftRoomOf(env, fx.accountId, id).listVersions()).map((v) => v.name)).not.toContain(
      'Before AI fix: intro',
    );
    expect(await balance()).toBe(credits);
  });

  it('writes the missing section in outline order, splits the wall, writes the meta description', async () => {
    const id = await briefedContent('Three fixes');
    const brief = await briefOf(id);
    const editor = await connect(id);
    const credits = await balance();
    const res = await start(id, ['outline_section', 'split_paragraphs', 'meta_description']);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data.job.credits_reserved).toBe(4);
    const job = await waitForJob(fx.members.owner, res.body.data.task_id);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 4 });

    await editor.until('the three fixes', () => readMeta(editor.doc)?.meta_description !== '');
    const headings = editor.fragment
      .toArray()
      .filter((n) => n instanceof Y.XmlElement && n.nodeName === 'heading')
      .map((n) => (n as Y.XmlElement).toArray().join(''));
    expect(headings).toEqual(['What a starter is', 'Feeding schedule', 'Storing a starter']);
    expect(checkOf(editor.doc, brief, 'outline.section').every((c) => c.places.length > 0)).toBe(true);
    expect(checkOf(editor.doc, brief, 'readability.long-paragraphs')[0]!.light).toBe('green');
    // The split kept the paragraph's words, in order.
    const body = editor.fragment
      .toArray()
      .map((n) => (n as Y.XmlElement).toArray().join(''))
      .join(' ');
    expect(body.replace(/\s+/g, ' ')).toContain(LONG.slice(0, 200));
    const description = readMeta(editor.doc)!.meta_description;
    expect(description.length).toBeGreaterThanOrEqual(120);
    expect(description.length).toBeLessThanOrEqual(156);
    expect(description.toLowerCase()).toContain('sourdough starter');
    expect(checkOf(editor.doc, brief, 'placement.meta-description')[0]!.light).toBe('green');
    const names = (await draftRoomOf(env, fx.accountId, id).listVersions()).map((v) => v.name);
    for (const action of ['outline_section', 'split_paragraphs', 'meta_description'])
      expect(names).toContain(`Before AI fix: ${action}`);
    expect(await balance()).toBe(credits - 4);
  });

  it('a batch of articles: one AI call per article and action, each fix in its own draft', async () => {
    const ids = [await briefedContent('Batch one'), await briefedContent('Batch two')];
    const res = await call('POST', `${O}/optimize/`, {
      token: fx.members.editor.token,
      body: { content_ids: ids, actions: ['intro', 'meta_description', 'intro'] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data.job.credits_reserved).toBe(4);
    const job = await waitForJob(fx.members.owner, res.body.data.task_id);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', batches_total: 4, credits_charged: 4 });
    for (const id of ids) {
      const { html } = await draftRoomOf(env, fx.accountId, id).snapshotHtml();
      expect(html).toMatch(/^<p>[^<]*sourdough starter/i);
      const names = (await draftRoomOf(env, fx.accountId, id).listVersions()).map((v) => v.name).sort();
      expect(names).toEqual(['Before AI fix: intro', 'Before AI fix: meta_description']);
    }
  });

  it('reads a fenced reply; a rewrite without the keyword fails the job uncharged and leaves the draft', async () => {
    const fenced = await briefedContent('Fenced reply');
    await scriptFaults(KEY, { script: ['fenced'] });
    const ok = await waitForJob(fx.members.owner, (await start(fenced, ['intro'])).body.data.task_id);
    expect(ok, JSON.stringify(ok)).toMatchObject({ status: 'succeeded', credits_charged: 1 });

    const id = await briefedContent('Unfit reply');
    const credits = await balance();
    const before = (await draftRoomOf(env, fx.accountId, id).snapshotHtml()).html;
    const raw = { raw: JSON.stringify({ paragraph: 'Bread at home is a joy.' }) };
    await scriptFaults(KEY, { script: [raw as unknown as string] });
    const job = await waitForJob(fx.members.owner, (await start(id, ['intro'])).body.data.task_id);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'failed', credits_charged: 0 });
    expect(job.error).toContain('does not use “sourdough starter”');
    expect((await draftRoomOf(env, fx.accountId, id).snapshotHtml()).html).toBe(before);
    expect(await balance()).toBe(credits);
  });

  it('a draft whose versions are all named by people gets no fix (no way back), and no charge', async () => {
    const id = await briefedContent('Full of versions');
    const room = draftRoomOf(env, fx.accountId, id);
    for (let i = 0; i < MAX_VERSIONS_PER_DRAFT; i++) await room.saveVersion(`Mine ${i}`, fx.members.editor.userId);
    const before = (await room.snapshotHtml()).html;
    const job = await waitForJob(fx.members.owner, (await start(id, ['intro'])).body.data.task_id);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 0 });
    expect(job.result).toMatchObject({ applied: 0, version_limit: 1 });
    expect((await room.snapshotHtml()).html).toBe(before);
    expect(await room.listVersions()).toHaveLength(MAX_VERSIONS_PER_DRAFT);
  });

  it('an article the AI writer wrote (the demo journey) needs none of these fixes: quoted 0, charged 0', async () => {
    const [site, sector, owner] = [fx.granted.id, fx.granted.sectorId, fx.members.owner];
    const csv = 'keyword,volume\nraised bed garden,900\nraised bed soil,500\nhow to build a raised bed,700\n';
    await call('POST', `/api/v1/planner/keywords/import/?site_id=${site}&sector_id=${sector}`, {
      token: owner.token,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
    const list = async (path: string) => (await call('GET', path, { token: owner.token })).body.results;
    const run = async (path: string, body: unknown) => {
      const res = await call('POST', path, { token: owner.token, body });
      if (res.status !== 202) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return waitForJob(owner, res.body.data.task_id);
    };
    const keywords = await list(`/api/v1/planner/keywords/?site_id=${site}`);
    await run('/api/v1/planner/keywords/auto_cluster/', { ids: keywords.map((k: { id: number }) => k.id) });
    const clusters = await list(`/api/v1/planner/clusters/?site_id=${site}`);
    await run('/api/v1/planner/clusters/auto_generate_ideas/', { ids: [clusters[0].id], ideas_per_cluster: 3 });
    const idea = (await list(`/api/v1/planner/ideas/?site_id=${site}`))[0];
    await call('POST', '/api/v1/writer/tasks/bulk_create_from_ideas/', {
      token: owner.token,
      body: { ids: [idea.id] },
    });
    const task = (await list(`/api/v1/writer/tasks/?site_id=${site}`)).find(
      (t: { idea_id: number }) => t.idea_id === idea.id,
    );
    expect(await run('/api/v1/writer/tasks/auto_generate_content/', { ids: [task.id] })).toMatchObject({
      status: 'succeeded',
    });
    const article = (await list(`/api/v1/writer/content/?site_id=${site}&page_size=100`)).find(
      (c: { task_id: number | null }) => c.task_id === task.id,
    );
    const all = 'intro,outline_section,split_paragraphs,meta_description';
    const quote = await call('GET', `${O}/optimize/quote/?content_id=${article.id}&actions=${all}`, {
      token: owner.token,
    });
    // The writer follows the outline, opens with the keyword, keeps paragraphs short and writes the
    // description: the price before the click says there is nothing to pay for…
    expect(quote.body.data).toMatchObject({ credits: 5, credits_needed: 0 });
    expect(quote.body.data.actions.every((a: { needed: boolean }) => !a.needed)).toBe(true);
    // …and a job started anyway ends without an AI call or a charge.
    const credits = await balance();
    const job = await waitForJob(
      owner,
      (
        await call('POST', `${O}/optimize/`, {
          token: owner.token,
          body: { content_id: article.id, actions: ['intro'] },
        })
      ).body.data.task_id,
    );
    expect(job).toMatchObject({ status: 'failed', credits_charged: 0 });
    expect(job.error).toContain('Nothing to fix');
    expect(await balance()).toBe(credits);
  });

  it('viewers get 403, other accounts 404; short of credits the job is refused with 402', async () => {
    const id = await briefedContent('Access');
    expectError(await start(id, ['intro'], fx.members.viewer), 403);
    expectError(await start(id, ['intro'], stranger), 404);
    expectError(await start(id, []), 400);
    // An unknown id (answered as another account's) among the caller's own, or an article of a site the
    // editor has no grant for: 404 for all.
    const mixed = { content_ids: [id, MISSING_ID], actions: ['intro'] };
    expectError(await call('POST', `${O}/optimize/`, { token: fx.members.editor.token, body: mixed }), 404);
    const hidden = await call('POST', '/api/v1/writer/content/', {
      token: fx.members.owner.token,
      body: { site_id: fx.ungranted.id, sector_id: fx.ungranted.sectorId, title: 'Hidden' },
    });
    expectError(await start(hidden.body.data.id, ['intro']), 404);
    expectError(
      await call('GET', `${O}/optimize/quote/?content_id=${hidden.body.data.id}&actions=intro`, {
        token: fx.members.editor.token,
      }),
      404,
    );
    const credits = await balance();
    await db().prepare('UPDATE credit_balances SET balance = 0 WHERE account_id = ?').bind(fx.accountId).run();
    try {
      expectError(await start(id, ['intro']), 402);
    } finally {
      await db()
        .prepare('UPDATE credit_balances SET balance = ? WHERE account_id = ?')
        .bind(credits, fx.accountId)
        .run();
    }
  });
});
