import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMeta } from '../../core/draft/meta';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { call, signup, type Session } from '../helpers/api';
import { expectError, MISSING_ID, populateAccount, shardBinding, type AccountFx } from '../helpers/fixtures';
import { scriptFaults, useOwnModelKey, waitForJob } from '../helpers/jobs';
import { openDraft, type DraftClient } from '../helpers/yjs-socket';

/**
 * Issue 14, item 6: the seed's reparse. The model reads an article written by hand (or pulled from
 * WordPress) and its SEO fields land in the shared draft — where every open editor sees them — for
 * 1 credit, charged once and only when the reply was usable.
 */
let fx: AccountFx;
let stranger: Session;
const open: DraftClient[] = [];
const KEY = 'reparse-key';

const ARTICLE = `
<p>Composting at home turns kitchen scraps into garden soil. Home composting needs greens, browns, air and water.</p>
<h2>What goes in a compost bin</h2><p>Fruit peels, coffee grounds and dry leaves make good home composting.</p>
<h2>Turning the pile</h2><p>Turn the pile every week so home composting stays fast and never smells.</p>`;

/** A hand-written article: a content row with no meta at all, its body only in the draft. */
async function handWritten(title: string) {
  const [a, s, sec, now] = [fx.accountId, fx.granted.id, fx.granted.sectorId, Date.now()];
  const row = await shardBinding(fx.shard)
    .prepare(
      `INSERT INTO content (account_id, site_id, sector_id, title, source, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'manual', ?, ?) RETURNING id`,
    )
    .bind(a, s, sec, title, now, now)
    .first<{ id: number }>();
  await draftRoomOf(env, fx.accountId, row!.id).replaceWithHtml(ARTICLE);
  return row!.id;
}

const balance = async () =>
  (await call('GET', '/api/v1/billing/balance/', { token: fx.members.owner.token })).body.data.balance as number;
const reparse = (id: number, s: Session) => call('POST', `/api/v1/writer/content/${id}/reparse/`, { token: s.token });

beforeAll(async () => {
  fx = await populateAccount(await signup('reparse'), 'reparse');
  stranger = await signup('reparse-stranger');
  await useOwnModelKey(fx.members.owner, KEY);
});

afterAll(() => {
  for (const c of open) c.close();
});

describe('reparse', () => {
  it('fills the SEO fields in the shared draft for 1 credit, charged once', async () => {
    const id = await handWritten('Composting at home');
    const editor = await openDraft(id, fx.members.editor.token);
    open.push(editor);
    await editor.synced;
    expect(readMeta(editor.doc)).toMatchObject({ meta_title: '', meta_description: '', primary_keyword: '' });
    const credits = await balance();

    const res = await reparse(id, fx.members.editor);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data.job.credits_reserved).toBe(1);
    const job = await waitForJob(fx.members.owner, res.body.data.task_id);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 1 });
    expect(job.result.outline).toEqual(['What goes in a compost bin', 'Turning the pile']);

    // The open editor receives the fields as a change of the shared draft.
    await editor.until('the reparsed fields', () => readMeta(editor.doc)!.primary_keyword !== '');
    const meta = readMeta(editor.doc)!;
    expect(meta.primary_keyword).toBe('home composting');
    expect(meta.meta_title).toBe('Composting at home');
    expect(meta.meta_description.length).toBeGreaterThanOrEqual(120);
    expect(meta.meta_description.length).toBeLessThanOrEqual(160);
    expect(meta.secondary_keywords.length).toBeGreaterThan(0);
    expect(meta.tags).toContain('home composting');

    // The row is the draft's projection (meta) plus the categories, which are not a draft field.
    const row = (await call('GET', `/api/v1/writer/content/${id}/`, { token: fx.members.viewer.token })).body.data;
    expect(row).toMatchObject({ primary_keyword: 'home composting', meta_title: 'Composting at home' });
    expect(row.categories.length).toBe(1);
    const versions = await draftRoomOf(env, fx.accountId, id).listVersions();
    expect(versions.map((v) => v.name)).toContain('Before reparse');

    expect(await balance()).toBe(credits - 1);
    const ledger = await shardBinding(fx.shard)
      .prepare(
        `SELECT transaction_type, amount FROM credit_transactions WHERE account_id = ? AND job_id = ? ORDER BY id`,
      )
      .bind(fx.accountId, job.id)
      .all<{ transaction_type: string; amount: number }>();
    expect(ledger.results).toEqual([
      { transaction_type: 'reservation', amount: -1 },
      { transaction_type: 'capture', amount: 0 },
    ]);
    const usage = await shardBinding(fx.shard)
      .prepare('SELECT operation_type, credits_used FROM credit_usage_logs WHERE account_id = ? AND job_id = ?')
      .bind(fx.accountId, job.id)
      .all();
    expect(usage.results).toEqual([{ operation_type: 'reparse_content', credits_used: 1 }]);
  });

  it('an unusable reply fails the job and costs nothing; the draft keeps its fields', async () => {
    const id = await handWritten('Failed reparse');
    const credits = await balance();
    await scriptFaults(KEY, { script: ['wrong_shape'] });
    const res = await reparse(id, fx.members.editor);
    expect(res.status).toBe(202);
    const job = await waitForJob(fx.members.owner, res.body.data.task_id);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'failed', credits_charged: 0 });
    expect(await balance()).toBe(credits);
    const { meta } = await draftRoomOf(env, fx.accountId, id).writeMeta({});
    expect(meta).toMatchObject({ primary_keyword: '', meta_title: '' });
  });

  it('needs write access to the site: viewers 403, other accounts and missing ids 404', async () => {
    const id = await handWritten('Guarded');
    expectError(await reparse(id, fx.members.viewer), 403);
    expectError(await reparse(id, stranger), 404);
    expectError(await reparse(MISSING_ID, fx.members.editor), 404);
  });

  it('an empty article is refused before anything is held', async () => {
    const row = await shardBinding(fx.shard)
      .prepare(
        `INSERT INTO content (account_id, site_id, sector_id, title, created_at, updated_at)
         VALUES (?, ?, ?, 'Empty', ?, ?) RETURNING id`,
      )
      .bind(fx.accountId, fx.granted.id, fx.granted.sectorId, Date.now(), Date.now())
      .first<{ id: number }>();
    const credits = await balance();
    expectError(await reparse(row!.id, fx.members.editor), 400, 'nothing_to_read');
    expect(await balance()).toBe(credits);
  });
});
