import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { clusters, content, images } from '../../core/schema/shard';
import { imageFileKey } from '../../core/media/image-keys';
import { SHARD_BINDINGS, type ShardName } from '../../worker/db/shards';
import type { Env } from '../../worker/env';
import { driveAccountMove } from '../../worker/admin/move/drive';
import { IdMaps } from '../../worker/admin/move/maps';
import { moveFaults } from '../../worker/admin/move/rows';
import { loadMove } from '../../worker/admin/move/state';
import { LeaseLost, switchAccount } from '../../worker/admin/move/switch';
import { call, createSite, login, signup, type Session } from '../helpers/api';
import { createSector, expectError, populateAccount, shardBinding, shardOf, type AccountFx } from '../helpers/fixtures';
import { keywordsOf, seedKeywords } from '../helpers/planner';

/**
 * Moving an account to another shard (issue 14, item 7): the account's users see every keyword, cluster,
 * article, image and version as before (ids differ, so compared by names), a move back works, a redelivered
 * message changes nothing, a crash mid-copy resumes and ends equal, and other accounts are untouched.
 */
const MOVES = '/api/v1/admin/moves';
const PNG = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3, 4]);

async function promote(s: Session): Promise<Session> {
  await env.DB_CONTROL.prepare("UPDATE users SET role = 'developer' WHERE id = ?").bind(s.userId).run();
  return login(s.email);
}

async function waitMove(dev: Session, id: number, until: (m: { status: string }) => boolean, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The test is the queue: it delivers the move's message itself (a redelivery is harmless: the lease).
    await driveAccountMove(env as unknown as Env, { v: 1, type: 'account.move', move_id: id });
    const res = await call('GET', `${MOVES}/${id}/`, { token: dev.token });
    if (res.status !== 200) throw new Error(`GET move ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    if (until(res.body.data)) return res.body.data;
    if (Date.now() > deadline) throw new Error(`move ${id} stuck: ${JSON.stringify(res.body.data)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Everything a user of the account sees, by names (ids change in a move). */
async function snapshot(fx: AccountFx) {
  const owner = fx.members.owner;
  const sites = (await call('GET', '/api/v1/auth/sites/', { token: owner.token })).body.results;
  // The granted site's sector, by its name: a move gives it a new id (fx.granted.sectorId is the first one).
  const sector = await shardBinding(fx.shard)
    .prepare('SELECT id FROM sectors WHERE account_id = ? AND name = ?')
    .bind(fx.accountId, `${fx.label} sector 1`)
    .first<{ id: number }>();
  const keywords = sector ? (await keywordsOf(owner, sector.id)).map((k) => [k.keyword, k.volume]) : [];
  const clusterList = (await call('GET', '/api/v1/planner/clusters/?page_size=100', { token: owner.token })).body
    .results;
  const articles = (await call('GET', '/api/v1/writer/content/?page_size=100', { token: owner.token })).body.results;
  const article = articles[0]
    ? (await call('GET', `/api/v1/writer/content/${articles[0].id}`, { token: owner.token })).body.data
    : null;
  const versions = article
    ? (await call('GET', `/api/v1/writer/content/${article.id}/versions`, { token: owner.token })).body.results
    : [];
  const imageList = (await call('GET', '/api/v1/writer/images/?page_size=100', { token: owner.token })).body.results;
  const imageBytes = imageList[0]?.url
    ? await (await import('../helpers/sites')).visit(imageList[0].url, {
        headers: { authorization: `Bearer ${owner.token}` },
      })
    : null;
  return {
    sites: sites.map((s: { name: string }) => s.name).sort(),
    keywords,
    clusters: clusterList.map((c: { name: string; keywords_count: number }) => [c.name, c.keywords_count]).sort(),
    articles: articles.map((a: { title: string; status: string }) => [a.title, a.status]).sort(),
    html: article?.html_content?.replace(/\d+/g, '#') ?? null,
    versions: versions.map((v: { name: string }) => v.name),
    images: imageList.map((i: { alt: string; status: string }) => [i.alt, i.status]),
    imageStatus: imageBytes?.status ?? null,
    imageSize: imageBytes ? (await imageBytes.arrayBuffer()).byteLength : null,
  };
}

/** Rows an account has on a shard, per table (a few tables are enough to see a stray write or delete). */
async function rowCounts(accountId: number, shard: ShardName) {
  const out: Record<string, number> = {};
  for (const table of ['sites', 'sectors', 'keywords', 'clusters', 'content', 'images', 'site_user_access']) {
    const row = await shardBinding(shard)
      .prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ?`)
      .bind(accountId)
      .first<{ n: number }>();
    out[table] = row?.n ?? 0;
  }
  return out;
}

async function populate(fx: AccountFx) {
  const owner = fx.members.owner;
  await seedKeywords(owner, { siteId: fx.granted.id, sectorId: fx.granted.sectorId }, [
    'alpha one',
    'beta two',
    'gamma',
  ]);
  const db = drizzle(shardBinding(fx.shard));
  const [cluster] = await db
    .insert(clusters)
    .values({
      account_id: fx.accountId,
      site_id: fx.granted.id,
      sector_id: fx.granted.sectorId,
      name: 'Greek letters',
      normalized_name: 'greek letters',
      keywords_count: 3,
    })
    .returning();
  await shardBinding(fx.shard)
    .prepare('UPDATE keywords SET cluster_id = ? WHERE account_id = ?')
    .bind(cluster!.id, fx.accountId)
    .run();
  const [article] = await db
    .insert(content)
    .values({
      account_id: fx.accountId,
      site_id: fx.granted.id,
      sector_id: fx.granted.sectorId,
      title: 'Moving day',
      cluster_id: cluster!.id,
    })
    .returning();
  const [image] = await db
    .insert(images)
    .values({
      account_id: fx.accountId,
      site_id: fx.granted.id,
      sector_id: fx.granted.sectorId,
      content_id: article!.id,
      image_type: 'featured',
      alt: 'A van',
      status: 'generated',
      mime_type: 'image/png',
    })
    .returning();
  const key = imageFileKey(fx.accountId, fx.granted.id, image!.id, 'job-1', 'png');
  await env.MEDIA.put(key, PNG, { httpMetadata: { contentType: 'image/png' } });
  await db
    .update(images)
    .set({ r2_key: key })
    .where((await import('drizzle-orm')).eq(images.id, image!.id));
  const html =
    `<h2>Boxes</h2><p>Pack well.</p><figure><img src="/media/${key}" ` +
    `data-image-id="${image!.id}" alt="A van"></figure>`;
  await db
    .update(content)
    .set({ html_content: html })
    .where((await import('drizzle-orm')).eq(content.id, article!.id));
  const version = await call('POST', `/api/v1/writer/content/${article!.id}/versions`, {
    token: owner.token,
    body: { name: 'First cut' },
  });
  expect(version.status, JSON.stringify(version.body)).toBeLessThan(300);
}

const otherShard = (shard: ShardName) => SHARD_BINDINGS.find((s) => s !== shard)!;

describe('moving an account to another shard', () => {
  let dev: Session;
  let fx: AccountFx;
  let bystanders: { id: number; shard: ShardName; before: Record<string, number> }[];
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    dev = await promote(await signup('mover', 'IGNY8 staff'));
    fx = await populateAccount(await signup('moved', 'Moved account'), 'mv');
    await populate(fx);
    before = await snapshot(fx);
    // Another account on each side, populated: their rows must not change.
    bystanders = [];
    for (let i = 0; i < 8 && bystanders.length < 2; i++) {
      const s = await signup(`by${i}`, `Bystander ${i}`);
      const shard = await shardOf(s.accountId);
      if (shard !== fx.shard && shard !== otherShard(fx.shard)) continue;
      if (bystanders.some((b) => b.shard === shard)) continue;
      const site = await createSite(s, `by${i} site`);
      const sector = await createSector(s, site.id, `by${i} sector`);
      await seedKeywords(s, { siteId: site.id, sectorId: sector.id }, ['delta', 'epsilon']);
      bystanders.push({ id: s.accountId, shard, before: await rowCounts(s.accountId, shard) });
    }
  }, 300_000);

  it('refuses what is not a move: a customer, the same shard, an unknown shard', async () => {
    const customer = fx.members.owner;
    expectError(
      await call('POST', `${MOVES}/`, {
        token: customer.token,
        body: { account_id: fx.accountId, to_shard: 'DB_SHARD_1' },
      }),
      403,
    );
    expectError(
      await call('POST', `${MOVES}/`, { token: dev.token, body: { account_id: fx.accountId, to_shard: fx.shard } }),
      400,
      'same_shard',
    );
    expectError(
      await call('POST', `${MOVES}/`, { token: dev.token, body: { account_id: fx.accountId, to_shard: 'DB_SHARD_9' } }),
      400,
      'unknown_shard',
    );
    expectError(
      await call('POST', `${MOVES}/`, { token: dev.token, body: { account_id: 987654321, to_shard: 'DB_SHARD_1' } }),
      404,
    );
  });

  it('moves it: keywords, clusters, articles, images and versions read as before; no 2nd move meanwhile', async () => {
    const to = otherShard(fx.shard);
    const res = await call('POST', `${MOVES}/`, { token: dev.token, body: { account_id: fx.accountId, to_shard: to } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ status: 'pending', from_shard: fx.shard, to_shard: to });
    const again = await call('POST', `${MOVES}/`, {
      token: dev.token,
      body: { account_id: fx.accountId, to_shard: to },
    });
    if (again.status !== 201) expectError(again, 409, 'move_unfinished');
    const done = await waitMove(dev, res.body.data.id, (m) => m.status === 'done' || m.status === 'failed');
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    expect(done.tables_done).toBe(done.tables_total);
    for (const check of Object.values(done.verification) as {
      source: number;
      target: number;
      checksum_equal: boolean;
    }[])
      expect(check.source === check.target && check.checksum_equal).toBe(true);
    const from = fx.shard;
    fx.shard = await shardOf(fx.accountId);
    expect(fx.shard).toBe(to);
    expect(await snapshot(fx)).toEqual(before);
    expect(Object.values(await rowCounts(fx.accountId, from)).every((n) => n === 0)).toBe(true);
    const audit = await env.DB_CONTROL.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'account.move' AND target_account_id = ?",
    )
      .bind(fx.accountId)
      .first<{ n: number }>();
    expect(audit?.n).toBe(1);
    // A redelivered message of a finished move changes nothing.
    const counts = await rowCounts(fx.accountId, to);
    await driveAccountMove(env as unknown as Env, { v: 1, type: 'account.move', move_id: res.body.data.id });
    expect(await rowCounts(fx.accountId, to)).toEqual(counts);
    expect((await call('GET', `${MOVES}/${res.body.data.id}/`, { token: dev.token })).body.data.status).toBe('done');
  });

  it('moves it back after a crash in the middle of copying: failed, resumed at its step, and equal', async () => {
    moveFaults.failOnceAfterChunkOf = 'keywords';
    const back = SHARD_BINDINGS.find((s) => s !== fx.shard)!;
    const res = await call('POST', `${MOVES}/`, {
      token: dev.token,
      body: { account_id: fx.accountId, to_shard: back },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const failed = await waitMove(dev, res.body.data.id, (m) => m.status === 'failed' || m.status === 'done');
    expect(failed).toMatchObject({ status: 'failed', step: 'copying' });
    expect(failed.error).toMatch(/keywords/);
    // While failed mid-copy the account still lives (and reads) on its shard.
    expect(await snapshot(fx)).toEqual(before);
    const resumed = await call('POST', `${MOVES}/${res.body.data.id}/resume/`, { token: dev.token });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(resumed.body.data.status).toBe('copying');
    const done = await waitMove(dev, res.body.data.id, (m) => m.status === 'done' || m.status === 'failed');
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    fx.shard = await shardOf(fx.accountId);
    expect(fx.shard).toBe(back);
    expect(await snapshot(fx)).toEqual(before);
    expectError(await call('POST', `${MOVES}/${res.body.data.id}/resume/`, { token: dev.token }), 409, 'not_failed');
  });

  it('leaves other accounts on both shards untouched', async () => {
    expect(bystanders.length).toBeGreaterThan(0);
    for (const b of bystanders) expect(await rowCounts(b.id, b.shard)).toEqual(b.before);
  });

  it("refuses an account's writes while it is copied (503 account_moving, Retry-After), not its reads", async () => {
    const owner = fx.members.owner;
    const row = await env.DB_CONTROL.prepare(
      'INSERT INTO account_moves (account_id, from_shard, to_shard, status, state, requested_by_user_id, ' +
        'created_at, updated_at)' +
        " VALUES (?, ?, ?, 'copying', '{}', ?, 0, 0) RETURNING id",
    )
      .bind(fx.accountId, fx.shard, otherShard(fx.shard), dev.userId)
      .first<{ id: number }>();
    try {
      const write = await call('POST', '/api/v1/auth/sites/', {
        token: owner.token,
        body: { name: 'During the move' },
      });
      expect(write.status).toBe(503);
      expect(write.body).toMatchObject({ success: false, code: 'account_moving' });
      expect(write.headers.get('retry-after')).toBe('30');
      expect((await call('GET', '/api/v1/auth/sites/', { token: owner.token })).status).toBe(200);
    } finally {
      await env.DB_CONTROL.prepare("UPDATE account_moves SET status = 'done' WHERE id = ?").bind(row!.id).run();
    }
  });

  it('lists moves and shows the shard directory to developers only', async () => {
    const list = await call('GET', `${MOVES}/?account_id=${fx.accountId}`, { token: dev.token });
    expect(list.status).toBe(200);
    expect(list.body.results.length).toBeGreaterThanOrEqual(2);
    const shards = await call('GET', `${MOVES}/shards/`, { token: dev.token });
    expect(shards.status, JSON.stringify(shards.body)).toBe(200);
    expect(shards.body.data.map((s: { shard: string }) => s.shard)).toEqual([...SHARD_BINDINGS]);
    const home = shards.body.data.find((s: { shard: string }) => s.shard === fx.shard);
    expect(home.accounts.map((a: { id: number }) => a.id)).toContain(fx.accountId);
    expectError(await call('GET', `${MOVES}/shards/`, { token: fx.members.admin.token }), 403);
  });
});

describe('the switch of a move', () => {
  it('switches nothing for a driver whose lease lapsed; the holder switches once', async () => {
    const owner = await signup('lapsed', 'Lapsed lease');
    await createSite(owner, 'Lapsed site');
    const from = await shardOf(owner.accountId);
    const to = otherShard(from);
    const moveRow = await env.DB_CONTROL.prepare(
      `INSERT INTO account_moves (account_id, from_shard, to_shard, status, state, requested_by_user_id, created_at,
         updated_at) VALUES (?, ?, ?, 'switching', ?, ?, ?, ?) RETURNING id`,
    )
      .bind(
        owner.accountId,
        from,
        to,
        JSON.stringify({ lease: { token: 'holder', until: Date.now() + 60_000 } }),
        owner.userId,
        Date.now(),
        Date.now(),
      )
      .first<{ id: number }>();
    const move = await loadMove(drizzle(env.DB_CONTROL), moveRow!.id);
    const directory = () =>
      env.DB_CONTROL.prepare('SELECT site_id, shard FROM site_directory WHERE account_id = ?')
        .bind(owner.accountId)
        .all();
    const audits = async () =>
      (
        await env.DB_CONTROL.prepare(
          "SELECT count(*) AS n FROM audit_log WHERE action = 'account.move' AND target_account_id = ?",
        )
          .bind(owner.accountId)
          .first<{ n: number }>()
      )?.n;
    const sitesBefore = (await directory()).results;

    // The driver that lost its lease: refused, and not one row of the switch landed.
    const maps = new IdMaps(env.MEDIA, move!.id);
    await expect(switchAccount(env as unknown as Env, { ...move! }, 'lapsed', maps)).rejects.toBeInstanceOf(LeaseLost);
    expect(await shardOf(owner.accountId)).toBe(from);
    expect((await directory()).results).toEqual(sitesBefore);
    expect(await audits()).toBe(0);
    expect((await loadMove(drizzle(env.DB_CONTROL), move!.id))?.status).toBe('switching');

    // The holder switches: the account, its sites and one audit row, together.
    await switchAccount(env as unknown as Env, { ...move! }, 'holder', maps);
    expect(await shardOf(owner.accountId)).toBe(to);
    expect((await directory()).results.every((d) => (d as { shard: string }).shard === to)).toBe(true);
    expect(await audits()).toBe(1);
    // Replayed after it landed: nothing changes (and it says so instead of switching twice).
    await expect(switchAccount(env as unknown as Env, { ...move! }, 'holder', maps)).rejects.toBeInstanceOf(LeaseLost);
    expect(await audits()).toBe(1);
  });
});
