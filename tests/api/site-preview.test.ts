import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGES } from '../../worker/site-builder/image-info.fixtures';
import { call, signup, type Session } from '../helpers/api';
import { MISSING_ID, populateAccount, shardBinding, type AccountFx } from '../helpers/fixtures';
import { send } from '../helpers/planner';

/**
 * Issue 12, scope item 2: the builder's live preview — a blueprint's site rendered now from the
 * current data (pages, live articles, assets), behind the same read access as the site, framable by
 * the app only, with no script allowed.
 */
const SB = '/api/v1/site-builder';
const PREVIEW = `${SB}/preview`;
const HOSTILE = `</script><script>alert(1)</script>"'&`;
let fx: AccountFx;
let blueprintId: number;
let otherBlueprintId: number;
let logoPath: string;
const owner = () => fx.members.owner;

async function data(res: { status: number; body: unknown }, status = 200): Promise<{ id: number }> {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return (res.body as { data: { id: number } }).data;
}

function preview(path: string, s: Session | null, headers: Record<string, string> = {}) {
  return send('GET', `${PREVIEW}/${path}`, { token: s?.token, headers });
}

async function insertLiveArticles(siteId: number, sectorId: number, count: number) {
  const now = Date.now();
  const db = shardBinding(fx.shard);
  for (let i = 1; i <= count; i++) {
    await db
      .prepare(
        `INSERT INTO content (account_id, site_id, sector_id, title, slug, html_content, word_count, excerpt,
           categories, status, site_published_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 300, '', '["Soil"]', 'published', ?, ?, ?)`,
      )
      .bind(
        fx.accountId,
        siteId,
        sectorId,
        i === 1 ? HOSTILE : `Article ${i}`,
        `article-${i}`,
        `<p>Body ${i}</p><script>alert(2)</script><a href="javascript:alert(3)">x</a>`,
        now - i * 60_000,
        now,
        now,
      )
      .run();
  }
  // Article 2 has generated images: a featured one and one placed in its body (a /media/ src).
  const article2 = await db
    .prepare('SELECT id FROM content WHERE account_id = ? AND slug = ?')
    .bind(fx.accountId, 'article-2')
    .first<{ id: number }>();
  const keys: string[] = [];
  for (const type of ['featured', 'in_article']) {
    const row = await db
      .prepare(
        `INSERT INTO images (account_id, site_id, sector_id, content_id, image_type, alt, status, mime_type,
           width, height, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'generated', 'image/png', 8, 8, ?, ?) RETURNING id`,
      )
      .bind(fx.accountId, siteId, sectorId, article2?.id, type, `${type} alt`, now, now)
      .first<{ id: number }>();
    const key = `accounts/${fx.accountId}/sites/${siteId}/images/${row?.id}/job-1.png`;
    await db.prepare('UPDATE images SET r2_key = ? WHERE id = ?').bind(key, row?.id).run();
    await (env as unknown as { MEDIA: R2Bucket }).MEDIA.put(key, IMAGES.png);
    keys.push(key);
  }
  await db
    .prepare('UPDATE content SET html_content = ? WHERE id = ?')
    .bind(`<p>Body 2</p><img src="/media/${keys[1]}" alt="Inline">`, article2?.id)
    .run();
  // A draft is not on the site.
  await db
    .prepare(
      `INSERT INTO content (account_id, site_id, sector_id, title, slug, status, created_at, updated_at)
       VALUES (?, ?, ?, 'Draft one', 'draft-one', 'draft', ?, ?)`,
    )
    .bind(fx.accountId, siteId, sectorId, now, now)
    .run();
}

beforeAll(async () => {
  fx = await populateAccount(await signup('pv'), 'pv');
  const token = owner().token;
  const bp = await data(
    await call('POST', `${SB}/blueprints/`, {
      token,
      body: { site_id: fx.granted.id, name: 'Green', theme: 'studio' },
    }),
    201,
  );
  blueprintId = bp.id;
  await data(
    await call('POST', `${SB}/blueprints/${blueprintId}/taxonomies/`, {
      token,
      body: { name: 'Soil', slug: 'soil', taxonomy_type: 'blog_category' },
    }),
    201,
  );
  await data(
    await call('POST', `${SB}/pages/`, {
      token,
      body: {
        blueprint_id: blueprintId,
        slug: 'about',
        title: HOSTILE,
        type: 'about',
        blocks: [{ type: 'rich_text', html: '<p>About <img src=x onerror="alert(4)"></p>' }],
      },
    }),
    201,
  );
  const asset = await data(
    await send('POST', `${SB}/assets/?site_id=${fx.granted.id}&kind=logo&alt=Logo`, {
      token,
      body: IMAGES.png,
      headers: { 'content-type': 'image/png' },
    }),
    201,
  );
  await data(
    await call('PATCH', `${SB}/blueprints/${blueprintId}/`, { token, body: { config: { logo_asset_id: asset.id } } }),
  );
  const row = await shardBinding(fx.shard)
    .prepare('SELECT sha256 FROM site_assets WHERE id = ?')
    .bind(asset.id)
    .first<{ sha256: string }>();
  logoPath = `assets/${row?.sha256}.png`;
  await insertLiveArticles(fx.granted.id, fx.granted.sectorId, 3);
  const other = await data(
    await call('POST', `${SB}/blueprints/`, { token, body: { site_id: fx.ungranted.id, name: 'Other' } }),
    201,
  );
  otherBlueprintId = other.id;
});

describe('site preview', () => {
  it('renders the home page now, with the live articles, relative links, no script and a framing policy', async () => {
    const res = await preview(`${blueprintId}/`, owner());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(res.headers.get('cache-control')).toContain('no-store');
    const html = res.text;
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<link rel="canonical" href="http://localhost:8787${PREVIEW}/${blueprintId}/"/>`);
    expect(html).toContain('<link rel="stylesheet" href="assets/site.css"/>');
    expect(html).toContain(`<img class="logo" src="${logoPath}"`);
    expect(html).toContain('<a href="about/">');
    expect(html).not.toContain('Draft one');
    expect(html).not.toMatch(/<script(?! type="application\/ld\+json">)/);
  });

  it('renders pages, articles, term pages, stylesheet, feeds and images; unknown paths get the 404 page', async () => {
    const about = await preview(`${blueprintId}/about/`, owner());
    expect(about.status).toBe(200);
    expect(about.text).toContain('<h1>&lt;/script>&lt;script>alert(1)&lt;/script>"\'&amp;</h1>');
    expect(about.text).not.toContain('onerror');
    const article = await preview(`${blueprintId}/blog/article-1/`, owner());
    expect(article.status).toBe(200);
    expect(article.text).toContain('<p>Body 1</p>');
    expect(article.text).not.toMatch(/javascript:|alert\(2\)/);
    expect(article.text).toContain('<a class="term" href="../../category/soil/">Soil</a>');
    expect((await preview(`${blueprintId}/category/soil/`, owner())).text).toContain('Article 3');
    const css = await preview(`${blueprintId}/assets/site.css`, owner());
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.text).toContain('--accent:');
    expect((await preview(`${blueprintId}/sitemap.xml`, owner())).text).toContain(
      `<loc>http://localhost:8787${PREVIEW}/${blueprintId}/blog/article-2/</loc>`,
    );
    const withImages = (await preview(`${blueprintId}/blog/article-2/`, owner())).text;
    const featured =
      /<figure class="featured wrap"><img src="\.\.\/\.\.\/(assets\/[0-9a-f]{32}\.png)" alt="featured alt"/.exec(
        withImages,
      )?.[1];
    const inline = /<img src="\.\.\/\.\.\/(assets\/[0-9a-f]{32}\.png)" alt="Inline">/.exec(withImages)?.[1];
    expect(featured).toBeDefined();
    expect(inline).toBeDefined();
    expect(withImages).not.toContain('/media/');
    for (const path of [featured, inline]) {
      const image = await preview(`${blueprintId}/${path}`, owner());
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
    }
    const logo = await preview(`${blueprintId}/${logoPath}`, owner());
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/png');
    const missing = await preview(`${blueprintId}/no/such/page/`, owner());
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('Page not found');
    // /preview/<id> and blog/x redirect (308) to the directory form, which relative links need; the
    // test client follows redirects, so what it sees is the page itself.
    const bare = await preview(`${blueprintId}`, owner());
    expect(bare.status).toBe(200);
    expect(bare.text).toContain(`<link rel="canonical" href="http://localhost:8787${PREVIEW}/${blueprintId}/"/>`);
    const noSlash = await preview(`${blueprintId}/blog/article-2`, owner());
    expect(noSlash.status).toBe(200);
    expect(noSlash.text).toContain(`href="http://localhost:8787${PREVIEW}/${blueprintId}/blog/article-2/"`);
  });

  it('opens in an iframe with the preview cookie set by POST /preview/session/', async () => {
    expect((await preview(`${blueprintId}/`, null)).status).toBe(401);
    const session = await call('POST', `${PREVIEW}/session/`, { token: fx.members.viewer.token });
    expect(session.status).toBe(201);
    const setCookie = session.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^igny8_preview=[^;]+;/);
    expect(setCookie).toContain(`Path=${PREVIEW}`);
    expect(setCookie).toContain('HttpOnly');
    const cookie = setCookie.split(';')[0] ?? '';
    const res = await preview(`${blueprintId}/blog/`, null, { cookie });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Article 2');
    expect((await preview(`${blueprintId}/`, null, { cookie: 'igny8_preview=forged' })).status).toBe(401);
  });

  it('needs read access to the blueprint’s site: other accounts and ungranted sites are 404', async () => {
    expect((await preview(`${blueprintId}/`, fx.members.viewer)).status).toBe(200);
    expect((await preview(`${otherBlueprintId}/`, fx.members.editor)).status).toBe(404);
    expect((await preview(`${otherBlueprintId}/`, owner())).status).toBe(200);
    const stranger = await signup('pv-stranger');
    const foreign = await preview(`${blueprintId}/`, stranger);
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain('Article');
    expect((await preview(`${blueprintId}/${logoPath}`, stranger)).status).toBe(404);
    expect((await preview(`${MISSING_ID}/`, owner())).status).toBe(404);
  });
});
