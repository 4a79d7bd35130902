import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, signup, type Session } from '../helpers/api';
import {
  createSector,
  envelopeProblems,
  expectError,
  populateAccount,
  shardBinding,
  type AccountFx,
} from '../helpers/fixtures';
import { connectSite, contentRow, insertContent, unique, wordpress, wpApi } from '../helpers/wordpress';

/**
 * Scheduled publishing (issue 12, item 5): a future publish_at makes the content 'scheduled' with a
 * pending PublishingRecord, and the site coordinator's alarm publishes it once — to the REAL
 * WordPress (tests/setup/wordpress.ts) — across coordinator restarts. The coordinator's clock is
 * moved by putting a schedule's next try in the past inside the object (the same as its time
 * having come), then the alarm is run as the platform would.
 */
const publishPath = (id: number) => `/api/v1/publisher/content/${id}/publish/`;
const unschedulePath = (id: number) => `/api/v1/publisher/content/${id}/unschedule/`;
const HOUR = 3_600_000;

let fx: AccountFx;
let owner: Session;
let stranger: Session;

beforeAll(async () => {
  wordpress(); // fail fast, with the reason, when WordPress is not up
  owner = await signup('schedowner');
  fx = await populateAccount(owner, 'sched');
  stranger = await signup('schedstranger');
  await connectSite(owner, fx.granted.id);
});

const coordinator = () => env.SITE_COORDINATOR.get(env.SITE_COORDINATOR.idFromName(`${fx.accountId}:${fx.granted.id}`));

interface StoredSchedule {
  content_id: number;
  state: string;
  publish_at: number;
  attempts: number;
  next_try_at: number;
}

/** The coordinator's own row for a content's schedule. */
const stored = (contentId: number) =>
  runInDurableObject(
    coordinator(),
    (_i, state: DurableObjectState) =>
      state.storage.sql
        .exec(
          'SELECT content_id, state, publish_at, attempts, next_try_at FROM scheduled_publishes WHERE content_id = ?',
          contentId,
        )
        .toArray()[0] as StoredSchedule | undefined,
  );

/** Its time has come, as far as the coordinator can tell (its next try is in the past). */
const timeComes = (contentId: number) =>
  runInDurableObject(coordinator(), (_i, state: DurableObjectState) => {
    state.storage.sql.exec(
      'UPDATE scheduled_publishes SET next_try_at = ? WHERE content_id = ?',
      Date.now() - 1,
      contentId,
    );
  });

/** The coordinator is killed: the next call gets a fresh instance over the same storage. */
const restart = () =>
  runInDurableObject(coordinator(), (_i, state: DurableObjectState) => state.abort('test: restart')).catch(
    () => undefined,
  );

const recordsOf = async (contentId: number) =>
  (
    await shardBinding(fx.shard)
      .prepare('SELECT * FROM publishing_records WHERE account_id = ? AND content_id = ? ORDER BY id')
      .bind(fx.accountId, contentId)
      .all<{ id: number; status: string; error_message: string | null; metadata: string; destination: string }>()
  ).results.map((r) => ({ ...r, metadata: JSON.parse(r.metadata) as Record<string, any> }));

const wpPostsTitled = async (title: string) =>
  (await wpApi<{ id: number; status: string }[]>('GET', `/posts?search=${encodeURIComponent(title)}&status=any`)).data;

async function schedule(s: Session, contentId: number, at: Date, extra: Record<string, unknown> = {}) {
  return call('POST', publishPath(contentId), { token: s.token, body: { publish_at: at.toISOString(), ...extra } });
}

describe('scheduling a WordPress publish', () => {
  it('keeps the content scheduled with a pending record, and the coordinator holds it for its time', async () => {
    const row = await insertContent(fx, fx.granted, { title: unique('Scheduled tomatoes'), status: 'review' });
    const at = new Date(Date.now() + 2 * HOUR);
    const res = await schedule(fx.members.editor, row.id, at);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(envelopeProblems(res)).toEqual([]);
    expect(res.body.data.content).toMatchObject({ status: 'scheduled', publish_destination: 'wordpress' });
    expect(new Date(res.body.data.content.publish_at).getTime()).toBe(at.getTime());
    expect(res.body.data.record).toMatchObject({ status: 'pending', destination: 'wordpress' });
    expect(res.body.data.record.metadata).toMatchObject({ publish_at: at.toISOString(), previous_status: 'review' });
    expect(await stored(row.id)).toMatchObject({ state: 'pending', publish_at: at.getTime() });
    const alarm = await runInDurableObject(coordinator(), (_i, state: DurableObjectState) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(at.getTime());

    // The inventory knows it as a scheduled page at its time (a link target for articles live after it).
    const page = await shardBinding(fx.shard)
      .prepare("SELECT status, scheduled_at FROM site_pages WHERE account_id = ? AND kind = 'content' AND ref_id = ?")
      .bind(fx.accountId, row.id)
      .first<{ status: string; scheduled_at: number }>();
    expect(page).toEqual({ status: 'scheduled', scheduled_at: at.getTime() });
    const filtered = await call('GET', `/api/v1/optimizer/scores/?site_id=${fx.granted.id}&status=scheduled`, {
      token: fx.members.editor.token,
    });
    expect(filtered.status, JSON.stringify(filtered.body)).toBe(200);
    expect(filtered.body.results.map((r: { content_id: number }) => r.content_id)).toEqual([row.id]);

    // An alarm before its time publishes nothing.
    await runDurableObjectAlarm(coordinator());
    expect((await contentRow(fx, row.id)).status).toBe('scheduled');
    expect((await recordsOf(row.id)).map((r) => r.status)).toEqual(['pending']);
  });

  it('fires once at its time: the post is live in WordPress, the record published, the content published', async () => {
    const title = unique('Fire once');
    const row = await insertContent(fx, fx.granted, { title });
    expect((await schedule(fx.members.editor, row.id, new Date(Date.now() + HOUR))).status).toBe(200);
    await timeComes(row.id);
    await runDurableObjectAlarm(coordinator());

    const records = await recordsOf(row.id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'published', destination: 'wordpress' });
    expect(records[0]!.metadata.fired_at).toBeTruthy();
    const after = await contentRow(fx, row.id);
    expect(after).toMatchObject({ status: 'published', publish_at: null, publish_destination: null });
    expect(after.wp_post_id).toBeTruthy();
    const post = await wpApi<{ status: string }>('GET', `/posts/${after.wp_post_id}?context=edit`);
    expect(post.data.status).toBe('publish');
    expect(await stored(row.id)).toMatchObject({ state: 'fired', attempts: 1 });

    // Another alarm (at-least-once) fires nothing again.
    await runDurableObjectAlarm(coordinator());
    expect(await recordsOf(row.id)).toHaveLength(1);
    expect(await wpPostsTitled(title)).toHaveLength(1);
  });

  it('still fires once when the coordinator restarts between scheduling and its time', async () => {
    const title = unique('Restart before');
    const row = await insertContent(fx, fx.granted, { title });
    expect((await schedule(fx.members.editor, row.id, new Date(Date.now() + HOUR))).status).toBe(200);
    await restart();
    expect(await stored(row.id)).toMatchObject({ state: 'pending' });
    await timeComes(row.id);
    await runDurableObjectAlarm(coordinator());
    expect((await recordsOf(row.id)).map((r) => r.status)).toEqual(['published']);
    expect(await wpPostsTitled(title)).toHaveLength(1);
    expect((await contentRow(fx, row.id)).status).toBe('published');
  });

  it('does not fire again after a restart, even if the coordinator lost the fact that it fired', async () => {
    const title = unique('Restart after');
    const row = await insertContent(fx, fx.granted, { title });
    expect((await schedule(fx.members.editor, row.id, new Date(Date.now() + HOUR))).status).toBe(200);
    await timeComes(row.id);
    await runDurableObjectAlarm(coordinator());
    expect((await recordsOf(row.id)).map((r) => r.status)).toEqual(['published']);
    const postId = (await contentRow(fx, row.id)).wp_post_id;

    await restart();
    await runDurableObjectAlarm(coordinator());
    // The worst case: the instance died after publishing but before its row said so.
    await runInDurableObject(coordinator(), (_i, state: DurableObjectState) => {
      state.storage.sql.exec(
        "UPDATE scheduled_publishes SET state = 'firing', next_try_at = 0 WHERE content_id = ?",
        row.id,
      );
    });
    await restart();
    await runDurableObjectAlarm(coordinator());

    expect((await recordsOf(row.id)).map((r) => r.status)).toEqual(['published']);
    expect(await wpPostsTitled(title)).toHaveLength(1);
    expect((await contentRow(fx, row.id)).wp_post_id).toBe(postId);
    expect(await stored(row.id)).toMatchObject({ state: 'fired' });
  });

  it('a schedule pushing a WordPress draft leaves the content as it was before, with the draft post', async () => {
    const row = await insertContent(fx, fx.granted, { title: unique('Draft push'), status: 'review' });
    const res = await schedule(fx.members.owner, row.id, new Date(Date.now() + HOUR), { status: 'draft' });
    expect(res.status).toBe(200);
    await timeComes(row.id);
    await runDurableObjectAlarm(coordinator());
    const after = await contentRow(fx, row.id);
    expect(after.status).toBe('review');
    expect((await wpApi<{ status: string }>('GET', `/posts/${after.wp_post_id}?context=edit`)).data.status).toBe(
      'draft',
    );
  });
});

describe('a firing cut short, and a scheduler who lost access', () => {
  it('a restart right after the claim resumes under the same record and publishes once', async () => {
    const title = unique('Cut short');
    const row = await insertContent(fx, fx.granted, { title, status: 'review' });
    const res = await schedule(fx.members.editor, row.id, new Date(Date.now() + HOUR));
    expect(res.status).toBe(200);
    const recordId = res.body.data.record.id as number;
    // What the firing's claim batch leaves in D1, then the instance dies before publishing.
    const db = shardBinding(fx.shard);
    await db.batch([
      db
        .prepare(
          `UPDATE publishing_records SET status = 'publishing',
             metadata = json_set(metadata, '$.fired_at', 'then') WHERE account_id = ? AND id = ?`,
        )
        .bind(fx.accountId, recordId),
      db
        .prepare("UPDATE content SET status = 'review', publish_at = NULL, publish_destination = NULL WHERE id = ?")
        .bind(row.id),
    ]);
    await runInDurableObject(coordinator(), (_i, state: DurableObjectState) => {
      state.storage.sql.exec(
        "UPDATE scheduled_publishes SET state = 'firing', attempts = 1, next_try_at = 0 WHERE content_id = ?",
        row.id,
      );
    });
    await restart();
    await runDurableObjectAlarm(coordinator());

    const records = await recordsOf(row.id);
    expect(records.map((r) => [r.id, r.status])).toEqual([[recordId, 'published']]);
    expect(records[0]!.metadata.publish_at).toBeTruthy(); // the schedule's facts survive the attempt
    expect(await wpPostsTitled(title)).toHaveLength(1);
    expect((await contentRow(fx, row.id)).status).toBe('published');
  });

  it('runs as the user who scheduled it: one who lost the site since publishes nothing', async () => {
    const title = unique('Revoked');
    const editor = await addMember(owner, 'editor', [fx.granted.id]);
    const row = await insertContent(fx, fx.granted, { title });
    expect((await schedule(editor, row.id, new Date(Date.now() + HOUR))).status).toBe(200);
    const grants = await call('GET', `/api/v1/auth/site-access/?site_id=${fx.granted.id}`, { token: owner.token });
    const grant = grants.body.results.find((g: { user_id: number }) => g.user_id === editor.userId);
    expect((await call('DELETE', `/api/v1/auth/site-access/${grant.id}/`, { token: owner.token })).status).toBe(200);

    await timeComes(row.id);
    await runDurableObjectAlarm(coordinator());
    const [record] = await recordsOf(row.id);
    expect(record).toMatchObject({ status: 'failed' });
    expect(record!.error_message).toMatch(/^Not published: /);
    expect(await wpPostsTitled(title)).toHaveLength(0);
    // Nothing will fire it any more: it no longer says it is scheduled.
    expect(await contentRow(fx, row.id)).toMatchObject({ status: 'draft', publish_at: null });
  });
});

describe('changing a schedule', () => {
  it('reschedule replaces: one schedule, the old record closed as rescheduled', async () => {
    const row = await insertContent(fx, fx.granted, { title: unique('Resched') });
    const first = new Date(Date.now() + HOUR);
    const second = new Date(Date.now() + 3 * HOUR);
    expect((await schedule(fx.members.editor, row.id, first)).status).toBe(200);
    expect((await schedule(fx.members.editor, row.id, second)).status).toBe(200);
    const records = await recordsOf(row.id);
    expect(records.map((r) => r.status)).toEqual(['failed', 'pending']);
    expect(records[0]!.error_message).toMatch(/^Rescheduled by /);
    expect(records[1]!.metadata.previous_status).toBe('draft');
    expect(await stored(row.id)).toMatchObject({ state: 'pending', publish_at: second.getTime() });
    expect((await contentRow(fx, row.id)).publish_at?.getTime()).toBe(second.getTime());
  });

  it('unschedule puts the status back, cancels the schedule, closes the record; its time does nothing', async () => {
    const title = unique('Unsched');
    const row = await insertContent(fx, fx.granted, { title, status: 'review' });
    expect((await schedule(fx.members.editor, row.id, new Date(Date.now() + HOUR))).status).toBe(200);
    // The writer's status move would leave the publish time and the pending record behind: refused.
    const moved = await call('POST', `/api/v1/writer/content/${row.id}/status/`, {
      token: fx.members.editor.token,
      body: { status: 'draft' },
    });
    expectError(moved, 409, 'content_scheduled');
    const res = await call('POST', unschedulePath(row.id), { token: fx.members.editor.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.content).toMatchObject({ status: 'review', publish_at: null, publish_destination: null });
    const [record] = await recordsOf(row.id);
    expect(record).toMatchObject({ status: 'failed' });
    expect(record!.error_message).toMatch(/^Unscheduled by \S/);
    expect(record!.metadata.cancelled).toBe(true);
    expect(await stored(row.id)).toMatchObject({ state: 'cancelled' });

    await timeComes(row.id);
    await runDurableObjectAlarm(coordinator());
    expect((await contentRow(fx, row.id)).status).toBe('review');
    expect(await wpPostsTitled(title)).toHaveLength(0);
    expectError(await call('POST', unschedulePath(row.id), { token: fx.members.editor.token }), 409, 'not_scheduled');
  });

  it('deleting the content cancels its schedule: the record says why, nothing is published', async () => {
    const title = unique('Deleted');
    // Content goes with its sector (there is no single-content delete yet).
    const sector = await createSector(owner, fx.granted.id, unique('Doomed sector'));
    const row = await insertContent(fx, { id: fx.granted.id, sectorId: sector.id }, { title });
    expect((await schedule(fx.members.editor, row.id, new Date(Date.now() + HOUR))).status).toBe(200);
    const del = await call('DELETE', `/api/v1/auth/sectors/${sector.id}/`, { token: owner.token });
    expect(del.status, JSON.stringify(del.body)).toBeLessThan(300);
    await timeComes(row.id);
    await runDurableObjectAlarm(coordinator());
    const [record] = await recordsOf(row.id);
    expect(record).toMatchObject({ status: 'failed' });
    expect(record!.error_message).toMatch(/deleted/);
    expect(await wpPostsTitled(title)).toHaveLength(0);
  });

  it('a status change behind the schedule wins: its time publishes nothing', async () => {
    const title = unique('Moved back');
    const row = await insertContent(fx, fx.granted, { title });
    expect((await schedule(fx.members.editor, row.id, new Date(Date.now() + HOUR))).status).toBe(200);
    // The writer's status route refuses a scheduled article (unschedule first)…
    const refused = await call('POST', `/api/v1/writer/content/${row.id}/status/`, {
      token: fx.members.editor.token,
      body: { status: 'draft' },
    });
    expectError(refused, 409, 'content_scheduled');
    // …so the row is moved underneath, as any other path that changes the status would.
    await shardBinding(fx.shard)
      .prepare("UPDATE content SET status = 'draft' WHERE account_id = ? AND id = ?")
      .bind(fx.accountId, row.id)
      .run();
    await timeComes(row.id);
    await runDurableObjectAlarm(coordinator());
    const [record] = await recordsOf(row.id);
    expect(record).toMatchObject({ status: 'failed' });
    expect(record!.error_message).toMatch(/no longer scheduled/);
    expect(await wpPostsTitled(title)).toHaveLength(0);
  });
});

describe('who may schedule, and what is refused', () => {
  it('a publish_at in the past is 400 with the field named, nothing scheduled', async () => {
    const row = await insertContent(fx, fx.granted, { title: unique('Past') });
    const res = await schedule(fx.members.editor, row.id, new Date(Date.now() - 60_000));
    expectError(res, 400);
    expect(res.body.errors.publish_at).toBeTruthy();
    expect((await contentRow(fx, row.id)).status).toBe('draft');
    expect(await recordsOf(row.id)).toEqual([]);
  });

  it('a time without its offset is 400', async () => {
    const row = await insertContent(fx, fx.granted, { title: unique('No offset') });
    const res = await call('POST', publishPath(row.id), {
      token: fx.members.editor.token,
      body: { publish_at: '2030-01-01T09:00:00' },
    });
    expectError(res, 400);
    expect(res.body.errors.publish_at).toBeTruthy();
  });

  it('a viewer is 403, another account is 404, an ungranted site is 404', async () => {
    const row = await insertContent(fx, fx.granted, { title: unique('Guarded') });
    const at = new Date(Date.now() + HOUR);
    expectError(await schedule(fx.members.viewer, row.id, at), 403);
    expectError(await schedule(stranger, row.id, at), 404);
    const hidden = await insertContent(fx, fx.ungranted, { title: unique('Hidden') });
    expectError(await schedule(fx.members.editor, hidden.id, at), 404);
    expectError(await call('POST', unschedulePath(row.id), { token: stranger.token }), 404);
    expect(await recordsOf(row.id)).toEqual([]);
  });

  it('scheduling to the IGNY8 site of a site never deployed is 409 site_not_deployed', async () => {
    const row = await insertContent(fx, fx.granted, { title: unique('No site') });
    const res = await schedule(fx.members.editor, row.id, new Date(Date.now() + HOUR), { destination: 'igny8' });
    expectError(res, 409, 'site_not_deployed');
    expect(res.body.error).toMatch(/deploy/i);
    expect((await contentRow(fx, row.id)).status).toBe('draft');
  });
});

describe('the calendar', () => {
  const CALENDAR = '/api/v1/publisher/calendar/';

  it('lists scheduled and published items per destination in the window', async () => {
    const later = await insertContent(fx, fx.granted, { title: unique('Cal later') });
    const at = new Date(Date.now() + 5 * HOUR);
    expect((await schedule(fx.members.editor, later.id, at)).status).toBe(200);
    const now = await insertContent(fx, fx.granted, { title: unique('Cal now') });
    const pub = await call('POST', publishPath(now.id), {
      token: fx.members.editor.token,
      body: { status: 'publish' },
    });
    expect(pub.status).toBe(200);

    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const res = await call(
      'GET',
      `${CALENDAR}?site_id=${fx.granted.id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      { token: fx.members.viewer.token },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const items = res.body.data.items as { content_id: number; state: string; destination: string; at: string }[];
    expect(items.find((i) => i.content_id === later.id)).toMatchObject({
      state: 'scheduled',
      destination: 'wordpress',
      at: at.toISOString(),
    });
    expect(items.find((i) => i.content_id === now.id)).toMatchObject({ state: 'published', destination: 'wordpress' });
    expect(items.map((i) => i.at)).toEqual([...items.map((i) => i.at)].sort());

    // A window that ends before the scheduled time does not show it.
    const soon = new Date(Date.now() + HOUR).toISOString();
    const early = await call(
      'GET',
      `${CALENDAR}?site_id=${fx.granted.id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(soon)}`,
      { token: fx.members.viewer.token },
    );
    expect(early.body.data.items.some((i: { content_id: number }) => i.content_id === later.id)).toBe(false);
  });

  it('refuses more than 92 days, and another account sees 404', async () => {
    expectError(
      await call('GET', `${CALENDAR}?site_id=${fx.granted.id}&from=2030-01-01&to=2030-04-04`, { token: owner.token }),
      400,
    );
    expect(
      (await call('GET', `${CALENDAR}?site_id=${fx.granted.id}&from=2030-01-01&to=2030-04-03`, { token: owner.token }))
        .status,
    ).toBe(200);
    expectError(
      await call('GET', `${CALENDAR}?site_id=${fx.granted.id}&from=2030-01-01&to=2030-02-01`, {
        token: stranger.token,
      }),
      404,
    );
  });
});
