import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, ORIGIN, signup, type Session } from '../helpers/api';
import { expectError, populateAccount, shardBinding, type AccountFx } from '../helpers/fixtures';
import { waitForJob } from '../helpers/jobs';
import { deploy, directoryRow, liveArticle, seedBlueprint, visit } from '../helpers/sites';
import { contentRow, insertContent, unique } from '../helpers/wordpress';

/**
 * Publishing an article to the site IGNY8 serves (issue 12, item 5): the publish answers 202 with
 * an incremental deploy's job; when it lands the article is on the served site and its record
 * says published with the article's address. Unpublish takes it off. A schedule to the IGNY8 site
 * is fired by the coordinator's alarm the same way.
 */
const publishPath = (id: number) => `/api/v1/publisher/content/${id}/publish/`;
const unpublishPath = (id: number) => `/api/v1/publisher/content/${id}/unpublish/`;
const HOUR = 3_600_000;

let owner: Session;
let stranger: Session;
let fx: AccountFx;
let slug: string;

beforeAll(async () => {
  owner = await signup('igny8owner');
  stranger = await signup('igny8stranger');
  fx = await populateAccount(owner, 'igny8');
  const blueprint = await seedBlueprint(fx, fx.granted);
  await liveArticle(fx, fx.granted, 'Tomato basics', '<p>Tomato basics text.</p>', Date.now() - 10 * HOUR);
  const { deployment } = await deploy(owner, blueprint.id);
  expect(deployment).toMatchObject({ status: 'deployed', is_live: true });
  slug = (await directoryRow(fx.accountId, fx.granted.id))!.slug;
});

interface RecordRow {
  id: number;
  status: string;
  destination: string;
  destination_url: string | null;
  error_message: string | null;
  metadata: Record<string, any>;
}

const recordsOf = async (contentId: number): Promise<RecordRow[]> =>
  (
    await shardBinding(fx.shard)
      .prepare('SELECT * FROM publishing_records WHERE account_id = ? AND content_id = ? ORDER BY id')
      .bind(fx.accountId, contentId)
      .all<RecordRow & { metadata: string }>()
  ).results.map((r) => ({ ...r, metadata: JSON.parse(r.metadata as unknown as string) }));

/** The record is settled by the coordinator right after the job ends (same alarm): poll until it is. */
async function settled(contentId: number, recordId: number): Promise<RecordRow> {
  for (let i = 0; i < 200; i++) {
    const record = (await recordsOf(contentId)).find((r) => r.id === recordId)!;
    if (record.status !== 'publishing' && record.status !== 'pending') return record;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`record ${recordId} never settled`);
}

/**
 * A deploy of the site in flight (its job just started, as far as anyone can tell): the
 * one-deploy-at-a-time rule refuses the next until it is marked failed. Versioned far above the
 * real ones so later deploys don't collide with it.
 */
async function busyDeploy() {
  const now = Date.now();
  return shardBinding(fx.shard)
    .prepare(
      `INSERT INTO deployment_records (account_id, site_id, site_blueprint_id, version, status, kind, job_id,
         created_at, updated_at)
       SELECT ?1, ?2, 1, COALESCE(max(version), 0) + 500, 'deploying', 'full', 'test-busy-' || ?3, ?3, ?3
         FROM deployment_records WHERE account_id = ?1 AND site_id = ?2
       RETURNING id`,
    )
    .bind(fx.accountId, fx.granted.id, now)
    .first<{ id: number }>();
}

async function newArticle(title: string, body: string) {
  return insertContent(fx, fx.granted, {
    title,
    slug: unique('fresh')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-'),
    html_content: `<p>${body}</p>`,
    status: 'review',
  });
}

describe('publishing to the IGNY8 site', () => {
  it('publishes now: 202 with the job, then it is on the served site and the record has its URL', async () => {
    const row = await newArticle(unique('Fresh tomatoes'), 'Fresh tomato words.');
    const path = `/s/${slug}/blog/${row.slug}/`;
    expect((await visit(path)).status).toBe(404);

    const res = await call('POST', publishPath(row.id), {
      token: fx.members.editor.token,
      body: { destination: 'igny8' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const { record, job, deployment } = res.body.data;
    expect(record).toMatchObject({ destination: 'igny8', status: 'publishing' });
    expect(deployment).toMatchObject({ kind: 'incremental' });
    expect(res.body.data.content).toMatchObject({ status: 'published' });
    expect(res.body.data.content.site_published_at).toBeTruthy();

    expect(await waitForJob(fx.members.editor, job.id)).toMatchObject({ status: 'succeeded' });
    const done = await settled(row.id, record.id);
    expect(done).toMatchObject({ status: 'published', destination_url: `${ORIGIN}${path}` });
    const page = await visit(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Fresh tomato words.');
  });

  it('unpublish takes it off the site; the content is no longer published', async () => {
    const row = await newArticle(unique('Short lived'), 'Short lived words.');
    const path = `/s/${slug}/blog/${row.slug}/`;
    const pub = await call('POST', publishPath(row.id), { token: owner.token, body: { destination: 'igny8' } });
    expect(pub.status, JSON.stringify(pub.body)).toBe(202);
    await waitForJob(owner, pub.body.data.job.id);
    await settled(row.id, pub.body.data.record.id);
    expect((await visit(path)).status).toBe(200);

    const off = await call('POST', unpublishPath(row.id), { token: owner.token, body: { destination: 'igny8' } });
    expect(off.status, JSON.stringify(off.body)).toBe(202);
    expect(await waitForJob(owner, off.body.data.job.id)).toMatchObject({ status: 'succeeded' });
    expect(await settled(row.id, off.body.data.record.id)).toMatchObject({
      status: 'published',
      destination_url: null,
    });
    expect((await visit(path)).status).toBe(404);
    const after = await contentRow(fx, row.id);
    expect(after.site_published_at).toBeNull();
    expect(after.status).toBe('review');
    expectError(
      await call('POST', unpublishPath(row.id), { token: owner.token, body: { destination: 'igny8' } }),
      409,
      'not_published',
    );
  });

  it('a schedule to the IGNY8 site is fired by the coordinator: deployed once, then served', async () => {
    const row = await newArticle(unique('Scheduled site'), 'Scheduled site words.');
    const path = `/s/${slug}/blog/${row.slug}/`;
    const at = new Date(Date.now() + HOUR);
    const res = await call('POST', publishPath(row.id), {
      token: fx.members.editor.token,
      body: { destination: 'igny8', publish_at: at.toISOString() },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.content).toMatchObject({ status: 'scheduled', publish_destination: 'igny8' });
    const coordinator = env.SITE_COORDINATOR.get(env.SITE_COORDINATOR.idFromName(`${fx.accountId}:${fx.granted.id}`));
    await runInDurableObject(coordinator, (_i, state: DurableObjectState) => {
      state.storage.sql.exec('UPDATE scheduled_publishes SET next_try_at = 0 WHERE content_id = ?', row.id);
    });
    await runDurableObjectAlarm(coordinator);

    const [record] = await recordsOf(row.id);
    expect(record!.metadata.job_id).toBeTruthy();
    expect(await waitForJob(fx.members.editor, record!.metadata.job_id)).toMatchObject({ status: 'succeeded' });
    expect(await settled(row.id, record!.id)).toMatchObject({
      status: 'published',
      destination_url: `${ORIGIN}${path}`,
    });
    expect((await visit(path)).status).toBe(200);
    expect(await contentRow(fx, row.id)).toMatchObject({ status: 'published', publish_at: null });

    // Another alarm starts no second deploy.
    await runDurableObjectAlarm(coordinator);
    expect(await recordsOf(row.id)).toHaveLength(1);
  });
});

describe('a scheduled publish that meets a running deploy', () => {
  it('is tried again later under the same record, and then lands once', async () => {
    const row = await newArticle(unique('Retried'), 'Retried words.');
    const path = `/s/${slug}/blog/${row.slug}/`;
    const res = await call('POST', publishPath(row.id), {
      token: owner.token,
      body: { destination: 'igny8', publish_at: new Date(Date.now() + HOUR).toISOString() },
    });
    expect(res.status).toBe(200);
    const db = shardBinding(fx.shard);
    const running = await busyDeploy();
    const coordinator = env.SITE_COORDINATOR.get(env.SITE_COORDINATOR.idFromName(`${fx.accountId}:${fx.granted.id}`));
    const row0 = () =>
      runInDurableObject(coordinator, (_i, state: DurableObjectState) => {
        state.storage.sql.exec('UPDATE scheduled_publishes SET next_try_at = 0 WHERE content_id = ?', row.id);
      });
    await row0();
    await runDurableObjectAlarm(coordinator);
    const stored = await runInDurableObject(
      coordinator,
      (_i, state: DurableObjectState) =>
        state.storage.sql
          .exec('SELECT state, attempts, next_try_at, last_error FROM scheduled_publishes WHERE content_id = ?', row.id)
          .toArray()[0] as { state: string; attempts: number; next_try_at: number; last_error: string },
    );
    expect(stored).toMatchObject({ state: 'firing', attempts: 1 });
    expect(stored.next_try_at).toBeGreaterThan(Date.now());
    expect(stored.last_error).toMatch(/deploy/i);
    expect((await recordsOf(row.id)).map((r) => r.status)).toEqual(['publishing']);

    await db.prepare("UPDATE deployment_records SET status = 'failed' WHERE id = ?").bind(running!.id).run();
    await row0();
    await runDurableObjectAlarm(coordinator);
    const [record] = await recordsOf(row.id);
    expect(await waitForJob(owner, record!.metadata.job_id)).toMatchObject({ status: 'succeeded' });
    expect(await settled(row.id, record!.id)).toMatchObject({ status: 'published' });
    expect((await visit(path)).status).toBe(200);
  });
});

describe('what is refused', () => {
  it('a site with no live deployment is 409 site_not_deployed, nothing changes', async () => {
    const row = await insertContent(fx, fx.ungranted, { title: unique('Nowhere') });
    const res = await call('POST', publishPath(row.id), { token: owner.token, body: { destination: 'igny8' } });
    expectError(res, 409, 'site_not_deployed');
    expect(res.body.error).toMatch(/deploy/i);
    expect(await contentRow(fx, row.id)).toMatchObject({ status: 'draft', site_published_at: null });
    expect(await recordsOf(row.id)).toEqual([]);
  });

  it('a viewer is 403 and another account 404', async () => {
    const row = await newArticle(unique('Guarded'), 'Guarded words.');
    const body = { destination: 'igny8' };
    expectError(await call('POST', publishPath(row.id), { token: fx.members.viewer.token, body }), 403);
    expectError(await call('POST', publishPath(row.id), { token: stranger.token, body }), 404);
    expectError(await call('POST', unpublishPath(row.id), { token: stranger.token, body }), 404);
    expect(await recordsOf(row.id)).toEqual([]);
  });

  it('while another deploy of the site runs: 409, the content stays as it was, the record says why', async () => {
    const row = await newArticle(unique('Blocked'), 'Blocked words.');
    const db = shardBinding(fx.shard);
    const running = await busyDeploy();
    try {
      const res = await call('POST', publishPath(row.id), { token: owner.token, body: { destination: 'igny8' } });
      expectError(res, 409, 'deploy_in_progress');
      expect(await contentRow(fx, row.id)).toMatchObject({ status: 'review', site_published_at: null });
      const [record] = await recordsOf(row.id);
      expect(record).toMatchObject({ destination: 'igny8', status: 'failed' });
      expect(record!.error_message).toMatch(/deploy/i);
    } finally {
      await db.prepare("UPDATE deployment_records SET status = 'failed' WHERE id = ?").bind(running!.id).run();
    }
  });
});
