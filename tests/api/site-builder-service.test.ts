import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../worker/db/batch';
import { shardDb, type ShardDb } from '../../worker/db/shards';
import {
  blueprintDeployedStatement,
  blueprintStatusStatement,
  getBlueprint,
  listPages,
  listTaxonomies,
  pageContentStatement,
  pagesDeleteStatements,
  pageUpsertStatements,
  taxonomyUpsertStatements,
} from '../../worker/site-builder/service';
import { call, signup, type Session } from '../helpers/api';
import { shardOf } from '../helpers/fixtures';

/**
 * The statements the Site Builder's service gives other features (the structure and page content
 * AI functions, deploys) for their own batches: what they leave in D1, run as those callers run them.
 */
let owner: Session;
let db: ShardDb;
let scope: { accountId: number; siteId: number; blueprintId: number };

beforeAll(async () => {
  owner = await signup('sbsvc');
  db = shardDb(env, await shardOf(owner.accountId));
  const site = await call('POST', '/api/v1/auth/sites/', { token: owner.token, body: { name: 'Service site' } });
  const bp = await call('POST', '/api/v1/site-builder/blueprints/', {
    token: owner.token,
    body: { site_id: site.body.data.id, name: 'Generated' },
  });
  scope = { accountId: owner.accountId, siteId: site.body.data.id, blueprintId: bp.body.data.id };
});

describe('site builder service statements', () => {
  it('upsert pages by slug: existing ones keep their id, get a new version; parents resolve by slug', async () => {
    const [home] = await listPages(db, scope.accountId, scope.blueprintId);
    await runBatch(
      db,
      pageUpsertStatements(db, scope, [
        { slug: 'roses', title: 'Roses', type: 'custom', order: 2, parent_slug: 'guides', cluster_id: null },
        {
          slug: '',
          title: 'Welcome',
          type: 'home',
          order: 0,
          blocks: [{ type: 'rich_text', heading: '', html: '<p>Hi</p>' }],
        },
        { slug: 'guides', title: 'Guides', type: 'custom', order: 1 },
      ]),
    );
    const pages = await listPages(db, scope.accountId, scope.blueprintId);
    expect(pages.map((p) => [p.slug, p.title, p.order])).toEqual([
      ['', 'Welcome', 0],
      ['guides', 'Guides', 1],
      ['roses', 'Roses', 2],
    ]);
    expect(pages[0]!.id).toBe(home!.id);
    expect(pages[0]!.version).toBe(home!.version + 1);
    expect(pages[2]!.parent_id).toBe(pages[1]!.id);

    // A structure pass without blocks keeps the content; the guarded content write lands once.
    await runBatch(db, pageUpsertStatements(db, scope, [{ slug: '', title: 'Home', type: 'home', order: 0 }]));
    const kept = (await listPages(db, scope.accountId, scope.blueprintId))[0]!;
    expect(kept.blocks).toHaveLength(1);
    const stale = pageContentStatement(db, scope.accountId, kept.id, { status: 'ready' }, kept.version - 1);
    const fresh = pageContentStatement(db, scope.accountId, kept.id, { status: 'ready', blocks: [] }, kept.version);
    const [a, b] = await runBatch(db, [stale, fresh]);
    expect([a!.meta.changes, b!.meta.changes]).toEqual([0, 1]);

    // Deleting the parent moves its child to the top level; the home page is never deleted.
    await runBatch(db, pagesDeleteStatements(db, scope.accountId, scope.blueprintId, [pages[1]!.id, home!.id]));
    const left = await listPages(db, scope.accountId, scope.blueprintId);
    expect(left.map((p) => [p.slug, p.parent_id])).toEqual([
      ['', null],
      ['roses', null],
    ]);
  });

  it('upsert taxonomy terms by type and slug, and set the blueprint status and deployed version', async () => {
    const terms = [
      { name: 'Care Guides', taxonomy_type: 'blog_category' as const },
      { name: 'Care guides', slug: 'care-guides', taxonomy_type: 'blog_category' as const, description: 'How to' },
      { name: 'Roses', taxonomy_type: 'blog_tag' as const },
    ];
    await runBatch(db, taxonomyUpsertStatements(db, scope, terms));
    const rows = await listTaxonomies(db, scope.accountId, scope.blueprintId);
    expect(rows.map((t) => [t.taxonomy_type, t.slug, t.name, t.description])).toEqual([
      ['blog_category', 'care-guides', 'Care guides', 'How to'],
      ['blog_tag', 'roses', 'Roses', ''],
    ]);

    await runBatch(db, [blueprintStatusStatement(db, scope.accountId, scope.blueprintId, 'generating')]);
    expect((await getBlueprint(db, scope.accountId, scope.blueprintId))!.status).toBe('generating');
    const before = (await getBlueprint(db, scope.accountId, scope.blueprintId))!;
    await runBatch(db, [blueprintDeployedStatement(db, scope.accountId, scope.blueprintId, before.version)]);
    const after = (await getBlueprint(db, scope.accountId, scope.blueprintId))!;
    expect(after).toMatchObject({ status: 'deployed', deployed_version: before.version });
    // Another account's id reads as nothing.
    expect(await getBlueprint(db, scope.accountId + 1, scope.blueprintId)).toBeUndefined();
  });
});
