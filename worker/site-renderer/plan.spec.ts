import { describe, expect, it } from 'vitest';
import { SITE_THEMES } from '../../core/domain/enums';
import type { RenderedFile, SiteModel } from '../../core/site/model';
import { unbalancedTag } from './html-check';
import { planSite, renderPreview } from './plan';
import { MODEL_EPOCH, testArticle, testModel } from './test-model';

const text = (file: RenderedFile) => (typeof file.body === 'string' ? file.body : new TextDecoder().decode(file.body));
const renderAll = (model: SiteModel) => new Map(planSite(model).map((f) => [f.path, text(f.render())]));
const jsonLdOf = (html: string) =>
  [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map(
    (m) => JSON.parse(m[1] ?? '') as Record<string, unknown>,
  );
const attr = (html: string, re: RegExp) => re.exec(html)?.[1] ?? null;

describe('planSite', () => {
  for (const theme of SITE_THEMES) {
    it(`renders every page type with the ${theme} theme as complete, accessible, well-formed pages`, () => {
      const model = testModel({ theme, articleCount: 7 });
      const files = renderAll(model);
      for (const path of [
        'index.html',
        'about/index.html',
        'contact/index.html',
        'soil-guide/index.html',
        'blog/index.html',
        'blog/page/2/index.html',
        'blog/article-3/index.html',
        'category/soil/index.html',
        'tag/tips/index.html',
        '404.html',
      ]) {
        const html = files.get(path);
        expect(html, path).toBeDefined();
        if (!html) continue;
        expect(html.startsWith('<!doctype html>\n<html lang="en">'), path).toBe(true);
        expect(unbalancedTag(html), path).toBeNull();
        expect(html, path).toContain('<a class="skip-link" href="#main">');
        expect(html, path).toMatch(/<main id="main"/);
        expect(html, path).toMatch(/<nav class="site-nav" aria-label="Main">/);
        expect(html.match(/<h1[ >]/g)?.length, `${path}: one h1`).toBe(1);
        expect(html, path).toMatch(/<title>[^<]+<\/title>/);
        expect(html, path).toMatch(/<meta name="description" content="[^"]+"/);
        expect(html, path).toMatch(/<meta property="og:title" content="[^"]+"/);
        expect(html, path).toMatch(/<meta name="twitter:card" content="summary(_large_image)?"/);
        const canonical = attr(html, /<link rel="canonical" href="([^"]+)"/);
        const expected = path === '404.html' ? '404.html' : path.replace(/index\.html$/, '');
        expect(canonical, path).toBe(`https://green.example.com/${expected}`);
        const types = jsonLdOf(html).map((o) => o['@type']);
        if (path === 'index.html') expect(types).toEqual(['WebSite', 'FAQPage']);
        else if (path.startsWith('blog/article')) expect(types).toEqual(['Article', 'BreadcrumbList']);
        else if (path !== '404.html') expect(types, path).toContain('BreadcrumbList');
        for (const img of html.match(/<img [^>]*>/g) ?? []) {
          expect(img, path).toMatch(/ alt="/);
          expect(img, path).toMatch(/ width="\d+" height="\d+"/);
        }
      }
      expect(files.get('assets/site.css')).toContain('--accent:#1f6f43');
    });
  }

  it('writes an article with its image, breadcrumbs, dates, reading time and a link to its cluster hub', () => {
    const model = testModel({ articleCount: 3 });
    model.articles[0] = { ...model.articles[0]!, updatedAt: model.articles[0]!.publishedAt + 5 * 86_400_000 };
    const html = renderAll(model).get('blog/article-3/index.html') ?? '';
    expect(html).toContain('<img src="../../assets/');
    expect(html).toContain('alt="Photo 3" width="1200" height="630"');
    expect(html).toMatch(
      /<nav class="breadcrumbs wrap" aria-label="Breadcrumb"><ol><li><a href="\.\.\/\.\.\/">Home<\/a>/,
    );
    expect(html).toContain('Published <time datetime="2026-01-04T00:00:00.000Z">');
    expect(html).toContain('Updated <time datetime="2026-01-09T00:00:00.000Z">');
    expect(html).toContain('4 min read');
    expect(html).toContain('Part of the guide: <a href="../../soil-guide/">The soil guide</a>');
    const [article] = jsonLdOf(html);
    expect(article).toMatchObject({ headline: 'Article 3', datePublished: '2026-01-04T00:00:00.000Z' });
    expect(article?.image).toMatch(/^https:\/\/green\.example\.com\/assets\//);
  });

  it('escapes hostile titles and sanitizes hostile bodies, block links and JSON-LD', () => {
    const evil = `</script><script>alert(1)</script>"'&<b>x`;
    const model = testModel({ articleCount: 1 });
    model.site.name = evil;
    model.articles[0] = testArticle(1, {
      title: evil,
      metaDescription: `"><img src=x onerror=alert(1)>`,
      html: `<p>ok</p><script>alert(2)</script><a href="javascript:alert(3)">click</a><img src=x onerror="alert(4)">`,
      excerpt: '<script>alert(5)</script>',
    });
    const home = model.pages[0]!;
    home.blocks = [
      ...home.blocks,
      { type: 'cta', heading: evil, text: evil, button_label: evil, button_href: 'javascript:alert(6)' },
      { type: 'rich_text', heading: '', html: '<iframe src="https://evil.example"></iframe><p onclick="x()">hi</p>' },
    ];
    model.terms[0] = { ...model.terms[0]!, name: evil };
    for (const [path, body] of renderAll(model)) {
      expect(body, path).not.toMatch(/<script(?! type="application\/ld\+json">)/);
      expect(body, path).not.toMatch(/javascript:/i);
      expect(body, path).not.toMatch(/<(img|p|a)[^>]* on\w+=/i);
      expect(body, path).not.toContain('<iframe');
      expect(body, path).not.toContain('<b>x');
      if (path.endsWith('.html')) {
        expect(unbalancedTag(body), path).toBeNull();
        for (const data of jsonLdOf(body)) expect(JSON.stringify(data)).not.toContain('undefined');
      }
      if (path.endsWith('.xml')) expect(unbalancedTag(body, true), path).toBeNull();
    }
    const article = renderAll(model).get('blog/article-1/index.html') ?? '';
    expect(jsonLdOf(article)[0]?.headline).toBe(evil);
    expect(article).toContain('<h1>&lt;/script>&lt;script>alert(1)&lt;/script>"\'&amp;&lt;b>x</h1>');
  });

  it('writes sitemap.xml, feed.xml and robots.txt with absolute URLs', () => {
    const model = testModel({ articleCount: 25 });
    const files = renderAll(model);
    const sitemap = files.get('sitemap.xml') ?? '';
    expect(unbalancedTag(sitemap, true)).toBeNull();
    const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc><lastmod>(\d{4}-\d\d-\d\d)<\/lastmod>/g)].map((m) => m[1]);
    // home, 3 pages, the blog, 25 articles, 3 term pages
    expect(locs).toHaveLength(1 + 3 + 1 + 25 + 3);
    expect(locs).toContain('https://green.example.com/blog/article-25/');
    expect(locs).toContain('https://green.example.com/tag/tips/');
    const feed = files.get('feed.xml') ?? '';
    expect(unbalancedTag(feed, true)).toBeNull();
    expect(feed).toContain('<rss version="2.0"');
    expect(feed.match(/<item>/g)).toHaveLength(20);
    expect(feed).toContain('<link>https://green.example.com/blog/article-25/</link>');
    expect(files.get('robots.txt')).toContain('Sitemap: https://green.example.com/sitemap.xml');
  });

  it('lists articleIds: each page the live articles it shows, sitemap every one, the feed the latest 20', () => {
    const plan = new Map(planSite(testModel({ articleCount: 25 })).map((f) => [f.path, f.articleIds]));
    expect(plan.get('sitemap.xml')).toHaveLength(25);
    expect(plan.get('feed.xml')).toEqual(Array.from({ length: 20 }, (_, i) => 25 - i));
    expect(plan.get('blog/article-4/index.html')).toEqual([4]);
    expect(plan.get('index.html')).toEqual([25, 24]);
    expect(plan.get('about/index.html')).toEqual([]);
    expect(plan.get('robots.txt')).toEqual([]);
  });

  it('adding an article changes only the files that list it (stable pagination), across page boundaries', () => {
    for (let count = 4; count <= 10; count++) {
      const before = testModel({ articleCount: count });
      const after = testModel({ articleCount: count + 1 });
      const added = count + 1;
      const oldFiles = renderAll(before);
      const newPlan = planSite(after);
      const oldPlan = new Map(planSite(before).map((f) => [f.path, f.articleIds]));
      const changed: string[] = [];
      for (const file of newPlan) {
        const old = oldFiles.get(file.path);
        if (old !== undefined && old === text(file.render())) continue;
        changed.push(file.path);
        // Incremental publishing renders files listing the article (old or new) and paths the last version lacks.
        const listed = file.articleIds.includes(added) || oldPlan.get(file.path)?.includes(added);
        expect(listed || old === undefined, `${count}+1: ${file.path}`).toBe(true);
      }
      const category = added % 2 ? 'soil' : 'water';
      const allowed = new Set([
        `blog/article-${added}/index.html`,
        'index.html',
        'blog/index.html',
        `category/${category}/index.html`,
        'tag/tips/index.html',
        'soil-guide/index.html',
        'sitemap.xml',
        'feed.xml',
      ]);
      const unexpected = changed.filter((p) => !allowed.has(p) && oldFiles.has(p));
      expect(unexpected, `${count}+1`).toEqual([]);
    }
  });

  it('paginates from the oldest: archive pages keep their articles, page 1 holds the newest remainder', () => {
    const plan = planSite(testModel({ articleCount: 7, perPage: 3 }));
    const ids = (path: string) => plan.find((f) => f.path === path)?.articleIds;
    expect(ids('blog/index.html')).toEqual([7]);
    expect(ids('blog/page/3/index.html')).toEqual([6, 5, 4]);
    expect(ids('blog/page/2/index.html')).toEqual([3, 2, 1]);
    const page1 = text(plan.find((f) => f.path === 'blog/index.html')!.render());
    expect(page1).toContain('<a class="older" href="../blog/page/3/">Older articles');
    const page3 = text(plan.find((f) => f.path === 'blog/page/3/index.html')!.render());
    expect(page3).toContain('href="../../../blog/page/2/">Older articles');
    expect(page3).toContain('<a href="../../../blog/"><span aria-hidden="true">←</span> Latest articles</a>');
  });

  it('points images the loader moved to the site (/assets/…) relatively, and keeps other images as sanitized', () => {
    const model = testModel({ articleCount: 1 });
    model.articles[0] = testArticle(1, {
      html: '<p>a</p><img src="/assets/abc.png" alt="Inline"><img src="https://cdn.example/x.png" alt="Remote">',
    });
    const html = renderAll(model).get('blog/article-1/index.html') ?? '';
    expect(html).toContain('<img src="../../assets/abc.png" alt="Inline">');
    expect(html).toContain('<img src="https://cdn.example/x.png" alt="Remote">');
  });

  it('renders a site with no pages and no articles', () => {
    const model: SiteModel = { ...testModel({ articleCount: 0 }), pages: [], terms: [], logo: null };
    const files = renderAll(model);
    expect(files.get('index.html')).toContain('No articles yet.');
    expect(files.get('blog/index.html')).toContain('No articles yet.');
    for (const [path, body] of files) if (path.endsWith('.html')) expect(unbalancedTag(body), path).toBeNull();
  });
});

describe('renderPreview', () => {
  it('renders the file of a URL path, or null', () => {
    const model = testModel({ articleCount: 2 });
    expect(renderPreview(model, '')?.path).toBe('index.html');
    expect(renderPreview(model, 'blog/article-1/')?.contentType).toBe('text/html; charset=utf-8');
    expect(renderPreview(model, 'assets/site.css')?.contentType).toBe('text/css; charset=utf-8');
    expect(renderPreview(model, 'feed.xml')?.contentType).toBe('application/rss+xml; charset=utf-8');
    expect(renderPreview(model, 'nope/')).toBeNull();
  });

  it('links relatively, so a site works under any prefix', () => {
    const model = {
      ...testModel({ articleCount: 1 }),
      baseUrl: 'http://localhost:8787/api/v1/site-builder/preview/3/',
    };
    const html = text(renderPreview(model, 'about/')!);
    expect(html).toContain('<link rel="stylesheet" href="../assets/site.css"/>');
    expect(html).toContain('<a class="button" href="../contact/">Contact</a>');
    expect(html).toContain('<link rel="canonical" href="http://localhost:8787/api/v1/site-builder/preview/3/about/"/>');
    expect(MODEL_EPOCH).toBeGreaterThan(0);
  });
});
