import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_ASSET_BYTES } from '../../core/validation/site-builder';
import { IMAGES, ICO, SIZES } from '../../worker/site-builder/image-info.fixtures';
import { call, type Res, signup, type Session } from '../helpers/api';
import { createSector, expectError, populateAccount, shardBinding, shardOf, type AccountFx } from '../helpers/fixtures';
import { send } from '../helpers/planner';
import { openSiteSocket } from '../helpers/socket';

/**
 * Issue 12, scope item 1: the Site Builder API — blueprints with their clusters (coverage) and
 * taxonomies, pages (slugs, the one home page, order, versions), assets (type allow-list, magic
 * bytes, size cap, dimensions, private files), metadata; roles and tenancy on every route.
 */
const SB = '/api/v1/site-builder';
let fx: AccountFx;
const db = () => shardBinding(fx.shard);
const owner = () => fx.members.owner;

/** The data of a success envelope (or the page of a list) after checking the status. */
async function ok(res: Res, status = 200): Promise<Res['body']> {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body.data ?? res.body;
}

async function createCluster(s: Session, siteId: number, sectorId: number, name: string): Promise<number> {
  const res = await call('POST', '/api/v1/planner/clusters/', {
    token: s.token,
    body: { site_id: siteId, sector_id: sectorId, name },
  });
  return (await ok(res, 201)).id;
}

async function createBlueprint(s: Session, siteId: number, extra: Record<string, unknown> = {}) {
  return ok(
    await call('POST', `${SB}/blueprints/`, { token: s.token, body: { site_id: siteId, name: 'Site', ...extra } }),
    201,
  );
}

async function createPage(s: Session, blueprintId: number, body: Record<string, unknown>) {
  return ok(await call('POST', `${SB}/pages/`, { token: s.token, body: { blueprint_id: blueprintId, ...body } }), 201);
}

function upload(s: Session | null, siteId: number, bytes: Uint8Array, type: string, extra = '') {
  return send('POST', `${SB}/assets/?site_id=${siteId}${extra}`, {
    token: s?.token,
    body: bytes,
    headers: { 'content-type': type },
  });
}

async function pagesOf(blueprintId: number) {
  const res = await call('GET', `${SB}/pages/?blueprint_id=${blueprintId}&page_size=200`, { token: owner().token });
  return (await ok(res)).results as { id: number; slug: string; order: number; parent_id: number | null }[];
}

beforeAll(async () => {
  fx = await populateAccount(await signup('sb'), 'sb');
});

describe('blueprints', () => {
  it('are created with their home page, listed, changed (config merged), deleted with all they own', async () => {
    const bp = await createBlueprint(owner(), fx.granted.id, {
      name: 'Green thumb',
      type: 'company',
      theme: 'studio',
      config: { tagline: 'Grow more' },
    });
    expect(bp).toMatchObject({
      site_id: fx.granted.id,
      name: 'Green thumb',
      type: 'company',
      theme: 'studio',
      status: 'draft',
      version: 1,
      page_count: 1,
      cluster_count: 0,
      can_generate: false,
      live: null,
    });
    expect(bp.config).toMatchObject({ tagline: 'Grow more', accent_color: '#1f6f43', posts_per_page: 12 });
    expect(bp.requirements).toContain('Attach at least one cluster.');
    const pages = await pagesOf(bp.id);
    expect(pages).toMatchObject([{ slug: '', type: 'home', title: 'Home', order: 0 }]);

    const got = await ok(await call('GET', `${SB}/blueprints/${bp.id}/`, { token: fx.members.viewer.token }));
    expect(got.id).toBe(bp.id);
    const list = await ok(await call('GET', `${SB}/blueprints/?site_id=${fx.granted.id}`, { token: owner().token }));
    expect(list.results.map((b: { id: number }) => b.id)).toContain(bp.id);
    expect(list.count).toBeGreaterThanOrEqual(1);

    const patched = await ok(
      await call('PATCH', `${SB}/blueprints/${bp.id}/`, {
        token: fx.members.editor.token,
        body: { name: 'Green thumb 2', config: { accent_color: '#112233' } },
      }),
    );
    expect(patched).toMatchObject({ name: 'Green thumb 2', version: 2 });
    expect(patched.config).toMatchObject({ tagline: 'Grow more', accent_color: '#112233' });

    const cluster = await createCluster(owner(), fx.granted.id, fx.granted.sectorId, 'Roses');
    await ok(
      await call('POST', `${SB}/blueprints/${bp.id}/clusters/`, {
        token: owner().token,
        body: { cluster_id: cluster },
      }),
      201,
    );
    await ok(
      await call('POST', `${SB}/blueprints/${bp.id}/taxonomies/`, {
        token: owner().token,
        body: { name: 'Roses', taxonomy_type: 'blog_category' },
      }),
      201,
    );
    await createPage(owner(), bp.id, { title: 'About us' });
    await ok(await call('DELETE', `${SB}/blueprints/${bp.id}/`, { token: owner().token }));
    expectError(await call('GET', `${SB}/blueprints/${bp.id}/`, { token: owner().token }), 404, 'not_found');
    for (const table of ['page_blueprints', 'site_blueprint_clusters', 'site_blueprint_taxonomies']) {
      const row = await db()
        .prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ? AND site_blueprint_id = ?`)
        .bind(fx.accountId, bp.id)
        .first<{ n: number }>();
      expect(row!.n, table).toBe(0);
    }
  });

  it('answers bad input with the 400 envelope naming each field', async () => {
    const res = await call('POST', `${SB}/blueprints/`, {
      token: owner().token,
      body: { site_id: fx.granted.id, name: '', type: 'shop', config: { accent_color: 'green' } },
    });
    expectError(res, 400, 'validation_error');
    expect(Object.keys(res.body.errors)).toEqual(expect.arrayContaining(['name', 'type', 'config.accent_color']));
    const bp = await createBlueprint(owner(), fx.granted.id);
    const page = await call('POST', `${SB}/pages/`, {
      token: owner().token,
      body: { blueprint_id: bp.id, title: 'X', slug: 'Not A Slug!', blocks: [{ type: 'hero' }, { type: 'video' }] },
    });
    expectError(page, 400, 'validation_error');
    expect(Object.keys(page.body.errors)).toEqual(expect.arrayContaining(['slug', 'blocks.0.heading']));
    expect(Object.keys(page.body.errors).some((k) => k.startsWith('blocks.1'))).toBe(true);
    const t = owner().token;
    expectError(await call('GET', `${SB}/blueprints/abc/`, { token: t }), 404);
    expectError(await call('DELETE', `${SB}/blueprints/${bp.id}/clusters/0x1/`, { token: t }), 404);
    expectError(
      await call('PATCH', `${SB}/blueprints/${bp.id}/taxonomies/-1/`, { token: t, body: { name: 'X' } }),
      404,
    );
    expectError(await call('GET', `${SB}/pages/`, { token: t }), 400, 'validation_error');
    expectError(
      await call('POST', `${SB}/pages/`, {
        token: t,
        rawBody: '{"title":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    expectError(
      await call('POST', `${SB}/pages/reorder/`, { token: t, body: { blueprint_id: bp.id, pages: [] } }),
      400,
    );
  });

  it('is live when the site directory points at one of its deployments: delete refused unless forced', async () => {
    const bp = await createBlueprint(owner(), fx.granted.id);
    const dep = await db()
      .prepare(
        `INSERT INTO deployment_records
           (account_id, site_id, site_blueprint_id, version, status, created_at, updated_at)
         VALUES (?, ?, ?, 7, 'deployed', ?, ?) RETURNING id`,
      )
      .bind(fx.accountId, fx.granted.id, bp.id, Date.now(), Date.now())
      .first<{ id: number }>();
    await env.DB_CONTROL.prepare(
      `INSERT INTO site_directory (slug, account_id, site_id, shard, live_version, live_deployment_id)
       VALUES (?, ?, ?, ?, 7, ?)`,
    )
      .bind(`sb-live-${fx.accountId}`, fx.accountId, fx.granted.id, fx.shard, dep!.id)
      .run();
    const got = await ok(await call('GET', `${SB}/blueprints/${bp.id}/`, { token: owner().token }));
    expect(got.live).toMatchObject({ slug: `sb-live-${fx.accountId}`, version: 7, deployment_id: dep!.id });
    expect(got.live.url).toMatch(new RegExp(`/s/sb-live-${fx.accountId}/$`));
    expectError(await call('DELETE', `${SB}/blueprints/${bp.id}/`, { token: owner().token }), 409, 'blueprint_live');
    await ok(await call('DELETE', `${SB}/blueprints/${bp.id}/?force=true`, { token: owner().token }));
    await env.DB_CONTROL.prepare('DELETE FROM site_directory WHERE account_id = ?').bind(fx.accountId).run();
  });
});

describe('clusters of a blueprint', () => {
  it('attach with a role, show coverage (pending → mapped → covered), refuse duplicates and detach', async () => {
    const bp = await createBlueprint(owner(), fx.granted.id);
    const cluster = await createCluster(owner(), fx.granted.id, fx.granted.sectorId, 'Tulips');
    const link = await ok(
      await call('POST', `${SB}/blueprints/${bp.id}/clusters/`, {
        token: fx.members.editor.token,
        body: { cluster_id: cluster },
      }),
      201,
    );
    expect(link).toMatchObject({
      cluster_id: cluster,
      cluster_name: 'Tulips',
      role: 'hub',
      coverage_status: 'pending',
      page_id: null,
      live_articles: 0,
    });
    const ready = await ok(await call('GET', `${SB}/blueprints/${bp.id}/`, { token: owner().token }));
    expect(ready).toMatchObject({ cluster_count: 1, can_generate: true, can_deploy: true, requirements: [] });
    expectError(
      await call('POST', `${SB}/blueprints/${bp.id}/clusters/`, {
        token: owner().token,
        body: { cluster_id: cluster },
      }),
      409,
      'cluster_attached',
    );
    await ok(
      await call('POST', `${SB}/blueprints/${bp.id}/clusters/`, {
        token: owner().token,
        body: { cluster_id: cluster, role: 'supporting' },
      }),
      201,
    );

    const pillar = await createPage(owner(), bp.id, { title: 'All about tulips', cluster_id: cluster });
    const mapped = await ok(
      await call('GET', `${SB}/blueprints/${bp.id}/clusters/`, { token: fx.members.viewer.token }),
    );
    expect(mapped[0]).toMatchObject({ coverage_status: 'mapped', page_id: pillar.id });

    const article = await ok(
      await call('POST', '/api/v1/writer/content/', {
        token: owner().token,
        body: { site_id: fx.granted.id, sector_id: fx.granted.sectorId, title: 'Tulip care' },
      }),
      201,
    );
    await db()
      .prepare('UPDATE content SET cluster_id = ?, site_published_at = ? WHERE account_id = ? AND id = ?')
      .bind(cluster, Date.now(), fx.accountId, article.id)
      .run();
    const covered = await ok(await call('GET', `${SB}/blueprints/${bp.id}/clusters/`, { token: owner().token }));
    expect(covered[0]).toMatchObject({ coverage_status: 'covered', live_articles: 1 });

    await ok(await call('DELETE', `${SB}/blueprints/${bp.id}/clusters/${link.id}/`, { token: owner().token }));
    expectError(await call('DELETE', `${SB}/blueprints/${bp.id}/clusters/${link.id}/`, { token: owner().token }), 404);
    const left = await ok(await call('GET', `${SB}/blueprints/${bp.id}/clusters/`, { token: owner().token }));
    expect(left.map((l: { role: string }) => l.role)).toEqual(['supporting']);
  });

  it('a cluster of another site is not found, and parallel duplicate attaches leave one row', async () => {
    const bp = await createBlueprint(owner(), fx.granted.id);
    const elsewhere = await createCluster(owner(), fx.ungranted.id, fx.ungranted.sectorId, 'Elsewhere');
    expectError(
      await call('POST', `${SB}/blueprints/${bp.id}/clusters/`, {
        token: owner().token,
        body: { cluster_id: elsewhere },
      }),
      404,
    );
    const cluster = await createCluster(owner(), fx.granted.id, fx.granted.sectorId, 'Daisies');
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        call('POST', `${SB}/blueprints/${bp.id}/clusters/`, { token: owner().token, body: { cluster_id: cluster } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const rows = await db()
      .prepare('SELECT count(*) AS n FROM site_blueprint_clusters WHERE account_id = ? AND site_blueprint_id = ?')
      .bind(fx.accountId, bp.id)
      .first<{ n: number }>();
    expect(rows!.n).toBe(1);
  });
});

describe('taxonomies', () => {
  it('derive unique slugs, refuse a taken one, change and delete', async () => {
    const bp = await createBlueprint(owner(), fx.granted.id);
    const T = `${SB}/blueprints/${bp.id}/taxonomies/`;
    const a = await ok(
      await call('POST', T, { token: owner().token, body: { name: 'Garden Tips', taxonomy_type: 'blog_category' } }),
      201,
    );
    const b = await ok(
      await call('POST', T, { token: owner().token, body: { name: 'Garden tips', taxonomy_type: 'blog_category' } }),
      201,
    );
    const tag = await ok(
      await call('POST', T, { token: owner().token, body: { name: 'Garden tips', taxonomy_type: 'blog_tag' } }),
      201,
    );
    expect([a.slug, b.slug, tag.slug]).toEqual(['garden-tips', 'garden-tips-2', 'garden-tips']);
    expect(a).toMatchObject({ blueprint_id: bp.id, taxonomy_type: 'blog_category', description: '' });
    expectError(
      await call('POST', T, {
        token: owner().token,
        body: { name: 'X', slug: 'garden-tips', taxonomy_type: 'blog_category' },
      }),
      409,
      'slug_taken',
    );
    expectError(
      await call('PATCH', `${T}${b.id}/`, { token: owner().token, body: { slug: 'garden-tips' } }),
      409,
      'slug_taken',
    );
    await ok(await call('PATCH', `${T}${b.id}/`, { token: owner().token, body: { description: 'Bugs and more' } }));
    const renamed = await ok(
      await call('PATCH', `${T}${b.id}/`, { token: owner().token, body: { name: 'Pests', slug: 'pests' } }),
    );
    // Fields left out of a PATCH keep their value.
    expect(renamed).toMatchObject({ name: 'Pests', slug: 'pests', description: 'Bugs and more' });
    await ok(await call('DELETE', `${T}${a.id}/`, { token: owner().token }));
    const left = await ok(await call('GET', T, { token: owner().token }));
    expect(left.map((t: { slug: string }) => t.slug).sort()).toEqual(['garden-tips', 'pests']);
  });
});

describe('pages', () => {
  it('derive unique slugs from titles, keep one home page, and refuse a taken slug', async () => {
    const bp = await createBlueprint(owner(), fx.granted.id);
    const a = await createPage(owner(), bp.id, { title: 'About Us' });
    const b = await createPage(owner(), bp.id, { title: 'About us!' });
    const tags = await createPage(owner(), bp.id, { title: 'Tag' });
    expect([a.slug, b.slug, tags.slug]).toEqual(['about-us', 'about-us-2', 'tag-2']);
    expect([a.order, b.order]).toEqual([1, 2]);
    expectError(
      await call('POST', `${SB}/pages/`, {
        token: owner().token,
        body: { blueprint_id: bp.id, title: 'X', slug: 'about-us' },
      }),
      409,
      'slug_taken',
    );
    expectError(
      await call('POST', `${SB}/pages/`, {
        token: owner().token,
        body: { blueprint_id: bp.id, title: 'Home 2', type: 'home' },
      }),
      409,
      'slug_taken',
    );
    expectError(
      await call('PATCH', `${SB}/pages/${a.id}/`, {
        token: owner().token,
        body: { version: a.version, slug: 'about-us-2' },
      }),
      409,
      'slug_taken',
    );
    expectError(
      await call('PATCH', `${SB}/pages/${a.id}/`, { token: owner().token, body: { version: a.version, slug: '' } }),
      400,
    );
    const home = (await pagesOf(bp.id)).find((p) => p.slug === '')!;
    expectError(await call('DELETE', `${SB}/pages/${home.id}/`, { token: owner().token }), 409, 'home_page');
  });

  it('parallel creates of pages with one title all land, each with its own slug', async () => {
    const bp = await createBlueprint(owner(), fx.granted.id);
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        call('POST', `${SB}/pages/`, { token: owner().token, body: { blueprint_id: bp.id, title: 'Gallery' } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const slugs = results.map((r) => r.body.data.slug).sort();
    expect(slugs).toEqual(['gallery', 'gallery-2', 'gallery-3', 'gallery-4']);
  });

  it('edits carry the version they were made on: a stale one is refused with 409 page_changed', async () => {
    const bp = await createBlueprint(owner(), fx.granted.id);
    const page = await createPage(owner(), bp.id, {
      title: 'Services',
      type: 'services',
      blocks: [{ type: 'hero', heading: 'We grow things' }],
    });
    expect(page.blocks[0]).toMatchObject({
      type: 'hero',
      heading: 'We grow things',
      cta_label: '',
      image_asset_id: null,
    });
    const first = await ok(
      await call('PATCH', `${SB}/pages/${page.id}/`, {
        token: fx.members.editor.token,
        body: { version: page.version, title: 'Our services', blocks: [{ type: 'rich_text', html: '<p>Hi</p>' }] },
      }),
    );
    expect(first).toMatchObject({ title: 'Our services', version: page.version + 1, slug: 'services' });
    const stale = await call('PATCH', `${SB}/pages/${page.id}/`, {
      token: owner().token,
      body: { version: page.version, title: 'Lost edit' },
    });
    expectError(stale, 409, 'page_changed');
    const now = await ok(await call('GET', `${SB}/pages/${page.id}/`, { token: owner().token }));
    expect(now).toMatchObject({ title: 'Our services', version: page.version + 1 });
  });

  it('reorder takes the whole list with parents; ids of other blueprints or missing pages are refused', async () => {
    const bp = await createBlueprint(owner(), fx.granted.id);
    const other = await createBlueprint(owner(), fx.granted.id);
    const a = await createPage(owner(), bp.id, { title: 'A' });
    const b = await createPage(owner(), bp.id, { title: 'B' });
    const c = await createPage(owner(), bp.id, { title: 'C' });
    const home = (await pagesOf(bp.id)).find((p) => p.slug === '')!;
    const R = `${SB}/pages/reorder/`;
    const order = [
      { id: home.id, parent_id: null },
      { id: c.id, parent_id: null },
      { id: a.id, parent_id: c.id },
      { id: b.id, parent_id: null },
    ];
    const done = await ok(
      await call('POST', R, { token: fx.members.editor.token, body: { blueprint_id: bp.id, pages: order } }),
    );
    expect(done.map((p: { id: number; parent_id: number | null }) => [p.id, p.parent_id])).toEqual(
      order.map((o) => [o.id, o.parent_id]),
    );
    const foreignPage = (await pagesOf(other.id))[0]!;
    const foreign = await call('POST', R, {
      token: owner().token,
      body: { blueprint_id: bp.id, pages: [...order, { id: foreignPage.id, parent_id: null }] },
    });
    expectError(foreign, 400, 'validation_error');
    expect(foreign.body.errors.pages.join(' ')).toContain(String(foreignPage.id));
    expectError(
      await call('POST', R, { token: owner().token, body: { blueprint_id: bp.id, pages: order.slice(1) } }),
      400,
    );
    const tooDeep = order.map((o) => (o.id === b.id ? { id: b.id, parent_id: a.id } : o));
    expectError(await call('POST', R, { token: owner().token, body: { blueprint_id: bp.id, pages: tooDeep } }), 400);

    // Deleting a page with children moves them to the top level.
    await ok(await call('DELETE', `${SB}/pages/${c.id}/`, { token: owner().token }));
    const after = await pagesOf(bp.id);
    expect(after.find((p) => p.id === a.id)!.parent_id).toBeNull();
    expect(after.map((p) => p.id)).toEqual([home.id, a.id, b.id]);
  });
});

describe('assets', () => {
  it('record type, size and dimensions of every allowed image type; the file is private', async () => {
    const types: Record<keyof typeof IMAGES, string> = {
      png: 'image/png',
      jpeg: 'image/jpeg',
      webpLossy: 'image/webp',
      webpLossless: 'image/webp',
      webpExtended: 'image/webp',
      gif: 'image/gif',
    };
    for (const [name, bytes] of Object.entries(IMAGES) as [keyof typeof IMAGES, Uint8Array][]) {
      const asset = await ok(
        await upload(fx.members.editor, fx.granted.id, bytes, types[name], `&filename=${name}&alt=A`),
        201,
      );
      expect(asset, name).toMatchObject({
        site_id: fx.granted.id,
        kind: 'image',
        filename: name,
        content_type: types[name],
        bytes: bytes.length,
        width: SIZES[name][0],
        height: SIZES[name][1],
        alt: 'A',
        url: `${SB}/assets/${asset.id}/file`,
      });
    }
    const icon = await ok(await upload(owner(), fx.granted.id, ICO, 'image/x-icon', '&kind=favicon'), 201);
    expect(icon).toMatchObject({ kind: 'favicon', width: 16, height: 16 });

    const png = await ok(await upload(owner(), fx.granted.id, IMAGES.png, 'image/png'), 201);
    const file = await send('GET', png.url, { token: fx.members.viewer.token });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('cache-control')).toContain('private');
    const again = await send('GET', png.url, {
      token: owner().token,
      headers: { 'if-none-match': file.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    const raw = await (await env.MEDIA.get(
      `accounts/${fx.accountId}/sites/${fx.granted.id}/assets/`.concat(
        (await db().prepare('SELECT sha256 FROM site_assets WHERE id = ?').bind(png.id).first<{ sha256: string }>())!
          .sha256,
        '.png',
      ),
    ))!.arrayBuffer();
    expect(new Uint8Array(raw)).toEqual(IMAGES.png);
    expectError(await call('GET', png.url), 401);
    const stranger = await signup('sbs');
    expectError(await call('GET', png.url, { token: stranger.token }), 404);

    const list = await ok(
      await call('GET', `${SB}/assets/?site_id=${fx.granted.id}&kind=favicon`, { token: owner().token }),
    );
    expect(list.results.map((a: { id: number }) => a.id)).toEqual([icon.id]);
    const alt = await ok(
      await call('PATCH', `${SB}/assets/${png.id}/`, { token: owner().token, body: { alt: 'A red dot' } }),
    );
    expect(alt.alt).toBe('A red dot');
  });

  it('refuse a type off the allow-list, bytes that are not the declared type, and files over the cap', async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expectError(await upload(owner(), fx.granted.id, svg, 'image/svg+xml'), 415, 'unsupported_media_type');
    expectError(await upload(owner(), fx.granted.id, svg, 'image/png'), 415, 'asset_type_mismatch');
    expectError(await upload(owner(), fx.granted.id, IMAGES.png, 'image/jpeg'), 415, 'asset_type_mismatch');
    expectError(await upload(owner(), fx.granted.id, IMAGES.png.slice(0, 12), 'image/png'), 415, 'asset_type_mismatch');
    expectError(await upload(owner(), fx.granted.id, new Uint8Array(0), 'image/png'), 400, 'empty_body');
    const big = new Uint8Array(MAX_ASSET_BYTES + 1);
    big.set(IMAGES.png);
    expectError(await upload(owner(), fx.granted.id, big, 'image/png'), 413, 'payload_too_large');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 6; i++)
          controller.enqueue(i === 0 ? big.slice(0, 1024 * 1024) : new Uint8Array(1024 * 1024));
        controller.close();
      },
    });
    const chunked = await send('POST', `${SB}/assets/?site_id=${fx.granted.id}`, {
      token: owner().token,
      body: stream,
      headers: { 'content-type': 'image/png' },
    });
    expectError(chunked, 413, 'payload_too_large');
    const rows = await db()
      .prepare('SELECT count(*) AS n FROM site_assets WHERE account_id = ? AND bytes > ?')
      .bind(fx.accountId, MAX_ASSET_BYTES)
      .first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });

  it('the same bytes uploaded twice share one file, which goes with the last record', async () => {
    // Bytes no other test uploads (a GIF reader ignores what follows the trailer).
    const gif = new Uint8Array([...IMAGES.gif, 0x51, 0x52, 0x53]);
    const first = await ok(await upload(owner(), fx.granted.id, gif, 'image/gif'), 201);
    const second = await ok(await upload(owner(), fx.granted.id, gif, 'image/gif'), 201);
    const key = (await db()
      .prepare('SELECT r2_key FROM site_assets WHERE id = ?')
      .bind(first.id)
      .first<{ r2_key: string }>())!.r2_key;
    expect(key).toMatch(new RegExp(`^accounts/${fx.accountId}/sites/${fx.granted.id}/assets/[0-9a-f]{64}\\.gif$`));
    await ok(await call('DELETE', `${SB}/assets/${first.id}/`, { token: owner().token }));
    expect(await env.MEDIA.head(key)).not.toBeNull();
    const bp = await createBlueprint(owner(), fx.granted.id, { config: { logo_asset_id: second.id } });
    expect(bp.config.logo_asset_id).toBe(second.id);
    await ok(await call('DELETE', `${SB}/assets/${second.id}/`, { token: owner().token }));
    expect(await env.MEDIA.head(key)).toBeNull();
    // The blueprint whose logo it was has none now.
    const after = await ok(await call('GET', `${SB}/blueprints/${bp.id}/`, { token: owner().token }));
    expect(after.config.logo_asset_id).toBeNull();
    expectError(await call('GET', `${SB}/assets/${second.id}/file`, { token: owner().token }), 404);
  });
});

describe('live notification', () => {
  it("tells everyone on the site's channel when blueprints, pages or assets change", async () => {
    const socket = await openSiteSocket(fx.granted.id, fx.members.viewer.token);
    try {
      const changed = (entity: string, from: number) =>
        socket.waitFor(
          `data.changed of ${entity}`,
          (ev) => ev.type === 'data.changed' && (ev.entities as string[]).includes(entity),
          from,
        );
      let from = socket.events.length;
      const bp = await createBlueprint(fx.members.editor, fx.granted.id);
      await changed('blueprints', from);
      from = socket.events.length;
      await createPage(fx.members.editor, bp.id, { title: 'Announced' });
      await changed('pages', from);
      from = socket.events.length;
      await ok(await upload(fx.members.editor, fx.granted.id, IMAGES.webpLossless, 'image/webp'), 201);
      await changed('assets', from);
    } finally {
      socket.close();
    }
  });
});

describe('metadata', () => {
  it('lists the types, themes and each block type with its JSON Schema', async () => {
    const m = await ok(await call('GET', `${SB}/metadata/`, { token: fx.members.viewer.token }));
    expect(m.blueprint_types.map((t: { value: string }) => t.value)).toEqual(['blog', 'company', 'ecommerce']);
    expect(m.themes.map((t: { value: string }) => t.value)).toEqual(['editorial', 'studio']);
    expect(m.page_types[0]).toMatchObject({ value: 'home', label: 'Home' });
    const hero = m.block_types.find((b: { type: string }) => b.type === 'hero');
    expect(hero.schema).toMatchObject({ type: 'object', properties: { heading: { type: 'string' } } });
    expect(m.taxonomy_types.length).toBe(6);
    expectError(await call('GET', `${SB}/metadata/`), 401);
  });
});

describe('roles and tenancy', () => {
  it('viewers read but every write is 403; sites the user is not granted are 404', async () => {
    const bp = await createBlueprint(owner(), fx.granted.id);
    const page = await createPage(owner(), bp.id, { title: 'Viewer page' });
    const cluster = await createCluster(owner(), fx.granted.id, fx.granted.sectorId, 'Viewer cluster');
    const link = await ok(
      await call('POST', `${SB}/blueprints/${bp.id}/clusters/`, {
        token: owner().token,
        body: { cluster_id: cluster },
      }),
      201,
    );
    const term = await ok(
      await call('POST', `${SB}/blueprints/${bp.id}/taxonomies/`, {
        token: owner().token,
        body: { name: 'T', taxonomy_type: 'blog_tag' },
      }),
      201,
    );
    const asset = await ok(await upload(owner(), fx.granted.id, IMAGES.png, 'image/png'), 201);
    const v = fx.members.viewer;
    for (const path of [
      `${SB}/blueprints/${bp.id}/`,
      `${SB}/blueprints/?site_id=${fx.granted.id}`,
      `${SB}/blueprints/${bp.id}/clusters/`,
      `${SB}/blueprints/${bp.id}/taxonomies/`,
      `${SB}/pages/?blueprint_id=${bp.id}`,
      `${SB}/pages/${page.id}/`,
      `${SB}/assets/?site_id=${fx.granted.id}`,
      `${SB}/assets/${asset.id}/`,
    ]) {
      expect((await call('GET', path, { token: v.token })).status, path).toBe(200);
    }
    const writes: [string, string, unknown?][] = [
      ['POST', `${SB}/blueprints/`, { site_id: fx.granted.id, name: 'V' }],
      ['PATCH', `${SB}/blueprints/${bp.id}/`, { name: 'V' }],
      ['DELETE', `${SB}/blueprints/${bp.id}/`],
      ['POST', `${SB}/blueprints/${bp.id}/clusters/`, { cluster_id: cluster, role: 'attribute' }],
      ['DELETE', `${SB}/blueprints/${bp.id}/clusters/${link.id}/`],
      ['POST', `${SB}/blueprints/${bp.id}/taxonomies/`, { name: 'V', taxonomy_type: 'blog_tag' }],
      ['PATCH', `${SB}/blueprints/${bp.id}/taxonomies/${term.id}/`, { name: 'V' }],
      ['DELETE', `${SB}/blueprints/${bp.id}/taxonomies/${term.id}/`],
      ['POST', `${SB}/pages/`, { blueprint_id: bp.id, title: 'V' }],
      ['PATCH', `${SB}/pages/${page.id}/`, { version: page.version, title: 'V' }],
      ['DELETE', `${SB}/pages/${page.id}/`],
      ['POST', `${SB}/pages/reorder/`, { blueprint_id: bp.id, pages: [{ id: page.id, parent_id: null }] }],
      ['PATCH', `${SB}/assets/${asset.id}/`, { alt: 'V' }],
      ['DELETE', `${SB}/assets/${asset.id}/`],
    ];
    for (const [method, path, body] of writes) {
      expectError(await call(method, path, { token: v.token, body }), 403);
    }
    expectError(await upload(v, fx.granted.id, IMAGES.png, 'image/png'), 403);

    // The editor is not granted the second site: its blueprints are not found.
    const hidden = await createBlueprint(owner(), fx.ungranted.id);
    expectError(await call('GET', `${SB}/blueprints/${hidden.id}/`, { token: fx.members.editor.token }), 404);
    expectError(
      await call('GET', `${SB}/blueprints/?site_id=${fx.ungranted.id}`, { token: fx.members.editor.token }),
      404,
    );
    const mine = await ok(await call('GET', `${SB}/blueprints/?page_size=200`, { token: fx.members.editor.token }));
    expect(mine.results.every((b: { site_id: number }) => b.site_id === fx.granted.id)).toBe(true);
  });

  it("another account's blueprints, pages, clusters, taxonomies and assets are 404 on every route", async () => {
    // On the same shard as the fixture account, so ids are unique between the two (each shard counts its own).
    let other = await signup('sbo');
    for (let i = 0; (await shardOf(other.accountId)) !== fx.shard; i++) {
      if (i > 20) throw new Error('no account landed on the fixture shard');
      other = await signup(`sbo${i}`);
    }
    const site = await ok(
      await call('POST', '/api/v1/auth/sites/', { token: other.token, body: { name: 'Other site' } }),
      201,
    );
    const sector = await createSector(other, site.id, 'Other sector');
    const cluster = await createCluster(other, site.id, sector.id, 'Other cluster');
    const bp = await createBlueprint(other, site.id);
    const link = await ok(
      await call('POST', `${SB}/blueprints/${bp.id}/clusters/`, { token: other.token, body: { cluster_id: cluster } }),
      201,
    );
    const term = await ok(
      await call('POST', `${SB}/blueprints/${bp.id}/taxonomies/`, {
        token: other.token,
        body: { name: 'T', taxonomy_type: 'blog_tag' },
      }),
      201,
    );
    const page = await createPage(other, bp.id, { title: 'Theirs' });
    const asset = await ok(await upload(other, site.id, IMAGES.png, 'image/png'), 201);
    const mine = await createBlueprint(owner(), fx.granted.id);
    const myPage = await createPage(owner(), mine.id, { title: 'Mine' });

    const t = owner().token;
    const requests: [string, string, unknown?][] = [
      ['GET', `${SB}/blueprints/${bp.id}/`],
      ['GET', `${SB}/blueprints/?site_id=${site.id}`],
      ['PATCH', `${SB}/blueprints/${bp.id}/`, { name: 'X' }],
      ['DELETE', `${SB}/blueprints/${bp.id}/`],
      ['POST', `${SB}/blueprints/`, { site_id: site.id, name: 'X' }],
      ['GET', `${SB}/blueprints/${bp.id}/clusters/`],
      ['POST', `${SB}/blueprints/${bp.id}/clusters/`, { cluster_id: cluster }],
      ['POST', `${SB}/blueprints/${mine.id}/clusters/`, { cluster_id: cluster }],
      ['DELETE', `${SB}/blueprints/${bp.id}/clusters/${link.id}/`],
      ['DELETE', `${SB}/blueprints/${mine.id}/clusters/${link.id}/`],
      ['GET', `${SB}/blueprints/${bp.id}/taxonomies/`],
      ['POST', `${SB}/blueprints/${bp.id}/taxonomies/`, { name: 'X', taxonomy_type: 'blog_tag' }],
      ['PATCH', `${SB}/blueprints/${bp.id}/taxonomies/${term.id}/`, { name: 'X' }],
      ['PATCH', `${SB}/blueprints/${mine.id}/taxonomies/${term.id}/`, { name: 'X' }],
      ['DELETE', `${SB}/blueprints/${bp.id}/taxonomies/${term.id}/`],
      ['DELETE', `${SB}/blueprints/${mine.id}/taxonomies/${term.id}/`],
      ['GET', `${SB}/pages/?blueprint_id=${bp.id}`],
      ['POST', `${SB}/pages/`, { blueprint_id: bp.id, title: 'X' }],
      ['POST', `${SB}/pages/`, { blueprint_id: mine.id, title: 'X', cluster_id: cluster }],
      ['GET', `${SB}/pages/${page.id}/`],
      ['PATCH', `${SB}/pages/${page.id}/`, { version: 1, title: 'X' }],
      ['PATCH', `${SB}/pages/${myPage.id}/`, { version: myPage.version, parent_id: page.id }],
      ['DELETE', `${SB}/pages/${page.id}/`],
      ['POST', `${SB}/pages/reorder/`, { blueprint_id: bp.id, pages: [{ id: page.id, parent_id: null }] }],
      ['GET', `${SB}/assets/?site_id=${site.id}`],
      ['GET', `${SB}/assets/${asset.id}/`],
      ['GET', `${SB}/assets/${asset.id}/file`],
      ['PATCH', `${SB}/assets/${asset.id}/`, { alt: 'X' }],
      ['DELETE', `${SB}/assets/${asset.id}/`],
      ['PATCH', `${SB}/blueprints/${mine.id}/`, { config: { logo_asset_id: asset.id } }],
    ];
    for (const [method, path, body] of requests) {
      const res = await call(method, path, { token: t, body });
      expect(res.status, `${method} ${path} ${JSON.stringify(res.body)}`).toBe(404);
      expectError(res, 404);
    }
    expectError(await upload(owner(), site.id, IMAGES.png, 'image/png'), 404);
    // Nothing of theirs changed.
    const still = await ok(await call('GET', `${SB}/blueprints/${bp.id}/`, { token: other.token }));
    expect(still).toMatchObject({ name: 'Site', page_count: 2, cluster_count: 1, version: bp.version + 3 });
  });
});
