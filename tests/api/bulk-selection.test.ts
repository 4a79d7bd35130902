import { beforeAll, describe, expect, it } from 'vitest';
import { call, signup, type Session } from '../helpers/api';
import {
  type AccountFx,
  expectError,
  listAllIds,
  ownersOnOneShard,
  populateAccount,
  shardBinding,
  type SiteFx,
} from '../helpers/fixtures';
import { modelStats, useOwnModelKey, waitForJob } from '../helpers/jobs';

/**
 * "Select all N matching" (issue 14 item 9): a bulk action sent with `{ filter, expected_count }`
 * reaches exactly the rows the list shows for that filter, within the same tenancy and site access,
 * and refuses (409) when the set changed since the user saw its count.
 */

const db = (fx: AccountFx) => shardBinding(fx.shard);

/** Rows of one resource in a site's sector, made in SQL (fast; the API's own writes are tested elsewhere). */
async function seed(fx: AccountFx, site: SiteFx, n: number, label: string) {
  const d = db(fx);
  const a = fx.accountId;
  const now = Date.now();
  const series = `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${n})`;
  // Every third row is "rose …" and every other row is active: search and status filters cut across.
  await d
    .prepare(
      `${series} INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, volume, status,
        created_at, updated_at)
       SELECT ?, ?, ?, (CASE WHEN i % 3 = 0 THEN 'rose ' ELSE 'tulip ' END) || ? || ' ' || i,
              (CASE WHEN i % 3 = 0 THEN 'rose ' ELSE 'tulip ' END) || ? || ' ' || i, i,
              CASE WHEN i % 2 = 0 THEN 'active' ELSE 'pending' END, ?, ? FROM s`,
    )
    .bind(a, site.id, site.sectorId, label, label, now, now)
    .run();
  for (const [table, column, extra, extraValue] of [
    ['clusters', 'name', ', normalized_name', "(CASE WHEN i % 3 = 0 THEN 'rose ' ELSE 'tulip ' END) || ? || ' ' || i"],
    ['content_ideas', 'idea_title', '', ''],
    ['tasks', 'title', '', ''],
  ] as const) {
    const title = "(CASE WHEN i % 3 = 0 THEN 'Rose ' ELSE 'Tulip ' END) || ? || ' ' || i";
    await d
      .prepare(
        `${series} INSERT INTO ${table} (account_id, site_id, sector_id, ${column}${extra}, created_at, updated_at)
         SELECT ?, ?, ?, ${title}${extra ? `, ${extraValue}` : ''}, ?, ? FROM s`,
      )
      .bind(a, site.id, site.sectorId, ...(extra ? [label, label] : [label]), now, now)
      .run();
  }
  await d
    .prepare(
      `${series} INSERT INTO images (account_id, site_id, sector_id, image_type, prompt, status, created_at, updated_at)
       SELECT ?, ?, ?, 'in_article', (CASE WHEN i % 3 = 0 THEN 'rose ' ELSE 'tulip ' END) || ? || ' ' || i,
              CASE WHEN i % 2 = 0 THEN 'generated' ELSE 'pending' END, ?, ? FROM s`,
    )
    .bind(a, site.id, site.sectorId, label, now, now)
    .run();
}

const RESOURCES = {
  keywords: { path: '/api/v1/planner/keywords', status: 'active', table: 'keywords' },
  clusters: { path: '/api/v1/planner/clusters', status: 'active', table: 'clusters' },
  ideas: { path: '/api/v1/planner/ideas', status: 'new', table: 'content_ideas' },
  tasks: { path: '/api/v1/writer/tasks', status: 'queued', table: 'tasks' },
  images: { path: '/api/v1/writer/images', status: 'generated', table: 'images' },
} as const;
type Resource = keyof typeof RESOURCES;

/** Every id the list shows for a query (all pages). */
const listIds = (s: Session, resource: Resource, filter: Record<string, string | number>) =>
  listAllIds(s, RESOURCES[resource].path, filter);

async function idsIn(fx: AccountFx, table: string, siteId: number) {
  const { results } = await db(fx)
    .prepare(`SELECT id FROM ${table} WHERE account_id = ? AND site_id = ? ORDER BY id`)
    .bind(fx.accountId, siteId)
    .all<{ id: number }>();
  return results.map((r) => r.id);
}

describe('bulk actions on a filter selection', () => {
  let fx: AccountFx;
  let other: AccountFx;
  let owner: Session;

  beforeAll(async () => {
    // Two accounts on one shard: their ids share one sequence, so the other's ids are real rows there.
    const { pair } = await ownersOnOneShard('bulk');
    owner = pair[0];
    fx = await populateAccount(owner, 'bulk');
    other = await populateAccount(pair[1], 'other');
    for (const site of [fx.granted, fx.ungranted]) await seed(fx, site, 30, 'mine');
    await seed(other, other.granted, 30, 'theirs');
  });

  for (const resource of Object.keys(RESOURCES) as Resource[]) {
    it(`deletes exactly the ${resource} the list shows for search + status, and nothing else`, async () => {
      const { path, status, table } = RESOURCES[resource];
      const site = fx.granted;
      // Tasks and ideas were seeded with their default status; the rest alternate.
      const filter = { site_id: site.id, sector_id: site.sectorId, search: 'rose', status };
      const shown = await listIds(owner, resource, filter);
      expect(shown.length).toBeGreaterThan(0);
      const before = await idsIn(fx, table, site.id);
      const res = await call('POST', `${path}/bulk_delete/`, {
        token: fx.members.editor.token,
        body: { filter, expected_count: shown.length },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.deleted).toBe(shown.length);
      expect(await idsIn(fx, table, site.id)).toEqual(before.filter((id) => !shown.includes(id)));
      expect((await idsIn(other, table, other.granted.id)).length).toBe(30);
    });
  }

  it('sets a status on every keyword the filter matches (the list and the action agree)', async () => {
    const site = fx.ungranted;
    const filter = { site_id: site.id, search: 'tulip', status: 'pending' };
    const shown = await listIds(owner, 'keywords', filter);
    const res = await call('POST', '/api/v1/planner/keywords/bulk_update_status/', {
      token: owner.token,
      body: { filter, expected_count: shown.length, status: 'archived' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.updated).toBe(shown.length);
    expect(await listIds(owner, 'keywords', { site_id: site.id, status: 'archived' })).toEqual(shown);
  });

  it('refuses with 409 selection_changed and the count now when the set moved', async () => {
    const filter = { site_id: fx.ungranted.id, search: 'rose' };
    const now = (await listIds(owner, 'ideas', filter)).length;
    const res = await call('POST', '/api/v1/planner/ideas/bulk_delete/', {
      token: owner.token,
      body: { filter, expected_count: now + 1 },
    });
    expectError(res, 409, 'selection_changed');
    expect(res.body.errors.count).toEqual([String(now)]);
    expect((await listIds(owner, 'ideas', filter)).length).toBe(now);
  });

  it('keeps viewers out (403) and editors inside their sites; other accounts are never reached', async () => {
    const viewer = await call('POST', '/api/v1/planner/keywords/bulk_delete/', {
      token: fx.members.viewer.token,
      body: { filter: { site_id: fx.granted.id } },
    });
    expectError(viewer, 403);
    const ungranted = await call('POST', '/api/v1/writer/tasks/bulk_delete/', {
      token: fx.members.editor.token,
      body: { filter: { site_id: fx.ungranted.id } },
    });
    expectError(ungranted, 404);
    const foreign = await call('POST', '/api/v1/writer/tasks/bulk_delete/', {
      token: fx.members.editor.token,
      body: { filter: { site_id: other.granted.id } },
    });
    expectError(foreign, 404);
    // No site in the filter: the editor's visible sites only (the granted one), never the other account.
    const ungrantedBefore = await idsIn(fx, 'tasks', fx.ungranted.id);
    const shown = await listIds(fx.members.editor, 'tasks', { search: 'tulip' });
    const all = await call('POST', '/api/v1/writer/tasks/bulk_delete/', {
      token: fx.members.editor.token,
      body: { filter: { search: 'tulip' }, expected_count: shown.length },
    });
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.data.deleted).toBe(shown.length);
    expect(await idsIn(fx, 'tasks', fx.ungranted.id)).toEqual(ungrantedBefore);
    expect((await idsIn(other, 'tasks', other.granted.id)).length).toBe(30);
  });

  it('takes ids or a filter, not both and not neither', async () => {
    for (const body of [{}, { ids: [1], filter: { search: 'x' } }]) {
      const res = await call('POST', '/api/v1/planner/keywords/bulk_delete/', { token: owner.token, body });
      expectError(res, 400, 'validation_error');
      expect(Object.keys(res.body.errors)).toContain('ids');
    }
    const bad = await call('POST', '/api/v1/planner/keywords/bulk_delete/', {
      token: owner.token,
      body: { filter: { status: 'nonsense' } },
    });
    expectError(bad, 400, 'validation_error');
    expect(Object.keys(bad.body.errors)).toContain('filter.status');
  });
});

describe('large filter selections', () => {
  it('deletes 2,000 keywords by filter in one request, links and all, leaving none behind', async () => {
    const owner = await signup('bulk-2k');
    const fx = await populateAccount(owner, 'big');
    await seed(fx, fx.granted, 2000, 'big');
    const d = db(fx);
    // Half of them in a cluster: the links must go in the same batch as the keywords.
    const cluster = (await d
      .prepare('SELECT id FROM clusters WHERE account_id = ? AND site_id = ? LIMIT 1')
      .bind(fx.accountId, fx.granted.id)
      .first<{ id: number }>())!.id;
    await d
      .prepare(
        `INSERT INTO keyword_clusters (account_id, keyword_id, cluster_id, created_at)
         SELECT account_id, id, ?, 0 FROM keywords WHERE account_id = ? AND site_id = ? AND id % 2 = 0`,
      )
      .bind(cluster, fx.accountId, fx.granted.id)
      .run();
    const res = await call('POST', '/api/v1/planner/keywords/bulk_delete/', {
      token: owner.token,
      body: { filter: { site_id: fx.granted.id, sector_id: fx.granted.sectorId }, expected_count: 2000 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.deleted).toBe(2000);
    expect(await idsIn(fx, 'keywords', fx.granted.id)).toEqual([]);
    const links = await d
      .prepare('SELECT count(*) AS n FROM keyword_clusters WHERE account_id = ?')
      .bind(fx.accountId)
      .first<{ n: number }>();
    expect(links!.n).toBe(0);
    expect((await idsIn(fx, 'keywords', fx.ungranted.id)).length).toBe(0);
  });

  it('clusters every unclustered keyword of a sector by filter, 20 keywords an AI call', async () => {
    const owner = await signup('bulk-cluster');
    const fx = await populateAccount(owner, 'uncl');
    await seed(fx, fx.granted, 45, 'garden');
    await db(fx).prepare('UPDATE credit_balances SET balance = 1000 WHERE account_id = ?').bind(fx.accountId).run();
    const apiKey = `sk-bulk-cluster-${Date.now()}-0123456789`;
    await useOwnModelKey(owner, apiKey);
    const filter = { site_id: fx.granted.id, sector_id: fx.granted.sectorId, cluster_id: 'none' };
    const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', {
      token: owner.token,
      body: { filter, expected_count: 45 },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const job = await waitForJob(owner, start.body.data.task_id, 60_000);
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect((await modelStats(apiKey)).requests).toBe(3);
    const qs = new URLSearchParams({ ...filter, site_id: String(filter.site_id), sector_id: String(filter.sector_id) });
    const left = await call('GET', `/api/v1/planner/keywords/?${qs}`, { token: owner.token });
    expect(left.body.count).toBe(0);
  });
});
