import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { call, signup, type Session } from '../helpers/api';
import {
  envelopeProblems,
  expectError,
  MISSING_ID,
  populateAccount,
  shardBinding,
  type AccountFx,
} from '../helpers/fixtures';
import {
  connectSite,
  contentRow,
  insertContent,
  insertImage,
  pngBytes,
  unique,
  wordpress,
  wpApi,
  type ContentRow,
  type ImageRow,
} from '../helpers/wordpress';
import { openDraft } from '../helpers/yjs-socket';

/**
 * Publishing to the REAL WordPress (tests/setup/wordpress.ts), checked by reading the post back
 * through WordPress's own REST API: title, HTML with the images rewritten to WordPress media URLs,
 * featured image, categories and tags by name, excerpt, SEO meta (companion plugin), status.
 * Every attempt leaves a PublishingRecord; failures say which step failed and what got there.
 */
const publishPath = (contentId: number) => `/api/v1/publisher/content/${contentId}/publish/`;
const RECORDS = '/api/v1/publisher/records/';

let fx: AccountFx;
let owner: Session;
let stranger: Session;

beforeAll(async () => {
  wordpress(); // fail fast, with the reason, when WordPress is not up
  owner = await signup('pubowner');
  fx = await populateAccount(owner, 'pub');
  stranger = await signup('pubstranger');
  await connectSite(owner, fx.granted.id);
});

async function termNames(taxonomy: 'categories' | 'tags', ids: number[]): Promise<string[]> {
  if (!ids.length) return [];
  const res = await wpApi<{ name: string }[]>('GET', `/${taxonomy}?include=${ids.join(',')}&per_page=100`);
  return res.data.map((t) => t.name.replace(/&amp;/g, '&')).sort();
}

async function records(s: Session, query: string) {
  const res = await call('GET', `${RECORDS}?${query}`, { token: s.token });
  expect(envelopeProblems(res)).toEqual([]);
  return res;
}

describe('publishing a content row to WordPress', () => {
  let row: ContentRow;
  let featured: ImageRow;
  let inline: ImageRow;
  let appended: ImageRow;
  let postId: number;
  const category = unique('Garden Care');
  const tags = [unique('tomatoes'), unique('pots & planters')];

  beforeAll(async () => {
    row = await insertContent(fx, fx.granted, {
      title: unique('How to grow tomatoes in pots'),
      meta_title: 'Grow Tomatoes in Pots: The Complete Guide',
      meta_description: 'Everything you need to grow juicy tomatoes on a balcony.',
      primary_keyword: 'grow tomatoes in pots',
      secondary_keywords: ['container tomatoes', 'balcony garden'],
      categories: [category],
      tags: [...tags, tags[0]!.toUpperCase()],
      html_content: '',
    });
    featured = await insertImage(
      fx,
      row,
      { image_type: 'featured', alt: 'Tomatoes on a balcony' },
      { bytes: await pngBytes([200, 30, 30]), type: 'image/png' },
    );
    inline = await insertImage(
      fx,
      row,
      { image_type: 'in_article', alt: 'A pot', after_section: 0 },
      { bytes: await pngBytes([30, 200, 30]), type: 'image/png' },
    );
    appended = await insertImage(
      fx,
      row,
      { image_type: 'in_article', alt: 'Watering', after_section: 0 },
      { bytes: await pngBytes([30, 30, 200]), type: 'image/png' },
    );
    const html =
      '<p>Growing tomatoes in pots is easy once you know the basics of soil, sun and water.</p>' +
      `<h2>Choosing a pot</h2><p onclick="steal()">Pick a big one.</p>` +
      `<figure><img src="https://app.igny8.test/media/${inline.r2_key}" alt="A pot" onerror="x()"></figure>` +
      '<script>alert("xss")</script>' +
      '<h2>Watering</h2><p>Water <a href="javascript:alert(1)">daily</a>, ' +
      '<a href="https://example.com/guide">see the guide</a>.</p>';
    await shardBinding(fx.shard).prepare('UPDATE content SET html_content = ? WHERE id = ?').bind(html, row.id).run();
  });

  it('pushes a draft with media, terms, excerpt and SEO meta, and WordPress has all of it', async () => {
    const res = await call('POST', publishPath(row.id), { token: fx.members.editor.token, body: { status: 'draft' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message).toMatch(/draft/);
    const { record, wordpress: wpPost, content } = res.body.data;
    postId = wpPost.post_id;
    expect(wpPost).toMatchObject({ status: 'draft', action: 'created' });
    expect(wpPost.link).toMatch(/\?p=\d+$/); // drafts link as ?p=ID
    expect(content).toMatchObject({ id: row.id, wp_post_id: postId, status: 'draft', published_at: null });

    // The record: published (delivered), every step done, every media and term id listed.
    expect(record).toMatchObject({
      status: 'published',
      destination: 'wordpress',
      destination_id: String(postId),
      content_id: row.id,
      site_id: fx.granted.id,
      error_message: null,
    });
    expect(record.metadata.steps_done).toEqual([
      'settings',
      'connect',
      'media',
      'html',
      'terms',
      'post',
      'verify',
      'save',
    ]);
    expect(record.metadata.media.map((m: { image_id: number }) => m.image_id)).toEqual([
      featured.id,
      inline.id,
      appended.id,
    ]);
    expect(record.metadata.media.every((m: { reused: boolean }) => !m.reused)).toBe(true);
    expect(record.metadata.terms.categories.map((t: { name: string }) => t.name)).toEqual([category]);
    // The upper-case duplicate is merged.
    expect(record.metadata.terms.tags.map((t: { name: string }) => t.name)).toEqual(tags);
    expect(record.metadata.html).toMatchObject({ rewritten_image_ids: [inline.id], inserted_image_ids: [appended.id] });

    // Read it back through WordPress itself.
    const post = (await wpApi('GET', `/posts/${postId}?context=edit`)).data;
    expect(post.status).toBe('draft');
    expect(post.title.raw).toBe(row.title);
    const media = new Map<number, any>();
    for (const m of record.metadata.media) {
      const got = await wpApi('GET', `/media/${m.wp_media_id}?context=edit`);
      expect(got.status).toBe(200);
      expect(got.data.mime_type).toBe('image/png');
      expect(got.data.source_url).toBe(m.source_url);
      media.set(m.image_id, got.data);
    }
    expect(post.featured_media).toBe(media.get(featured.id).id);
    expect(media.get(featured.id).alt_text).toBe('Tomatoes on a balcony');
    const html: string = post.content.raw;
    expect(html).toContain(`<img src="${media.get(inline.id).source_url}" alt="A pot">`);
    expect(html).toContain(media.get(appended.id).source_url);
    // The image missing from the HTML goes at the end of section 0, i.e. before the second <h2>.
    expect(html.indexOf(media.get(appended.id).source_url)).toBeLessThan(html.indexOf('<h2>Watering</h2>'));
    expect(html.indexOf(media.get(appended.id).source_url)).toBeGreaterThan(html.indexOf('<h2>Choosing a pot</h2>'));
    expect(html).not.toContain('/media/accounts/');
    expect(html).not.toMatch(/script|onclick|onerror|javascript:/i);
    expect(html).toContain('<a href="https://example.com/guide">see the guide</a>');
    expect(await termNames('categories', post.categories)).toEqual([category]);
    expect(await termNames('tags', post.tags)).toEqual([...tags].sort());
    expect(post.excerpt.raw).toBe('Growing tomatoes in pots is easy once you know the basics of soil, sun and water.');
    expect(post.meta).toMatchObject({
      _igny8_meta_title: 'Grow Tomatoes in Pots: The Complete Guide',
      _igny8_meta_description: 'Everything you need to grow juicy tomatoes on a balcony.',
      _igny8_primary_keyword: 'grow tomatoes in pots',
      _igny8_secondary_keywords: 'container tomatoes, balcony garden',
    });

    // Stored on the content and the images; not marked published.
    const stored = await contentRow(fx, row.id);
    expect(stored).toMatchObject({ wp_post_id: postId, status: 'draft', published_at: null });
    const imageIds = await shardBinding(fx.shard)
      .prepare('SELECT id, wp_media_id FROM images WHERE content_id = ? ORDER BY id')
      .bind(row.id)
      .all<{ id: number; wp_media_id: number }>();
    expect(imageIds.results.map((r) => r.wp_media_id)).toEqual(
      [featured.id, inline.id, appended.id].map((id) => media.get(id).id),
    );
  });

  it('publishing again updates the same post (new title, now live) and reuses the uploaded media', async () => {
    const newTitle = unique('Tomatoes in pots, updated');
    await shardBinding(fx.shard).prepare('UPDATE content SET title = ? WHERE id = ?').bind(newTitle, row.id).run();
    const res = await call('POST', publishPath(row.id), { token: owner.token, body: { status: 'publish' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message).toBe('Published to WordPress.');
    const { record, wordpress: wpPost } = res.body.data;
    expect(wpPost).toMatchObject({ post_id: postId, status: 'publish', action: 'updated' });
    expect(record.metadata.steps_done).toEqual([
      'settings',
      'connect',
      'media',
      'html',
      'terms',
      'post',
      'verify',
      'publish',
      'save',
    ]);
    expect(record.metadata.media.every((m: { reused: boolean }) => m.reused)).toBe(true);
    expect(record.metadata.terms.tags.every((t: { created: boolean }) => !t.created)).toBe(true);

    const post = (await wpApi('GET', `/posts/${postId}?context=edit`)).data;
    expect(post.status).toBe('publish');
    expect(post.title.raw).toBe(newTitle);
    expect(post.link).not.toContain('?p=');
    expect(wpPost.link).toBe(post.link);

    const stored = await contentRow(fx, row.id);
    expect(stored.status).toBe('published');
    expect(stored.published_at).toBeInstanceOf(Date);
    expect(stored.wp_post_url).toBe(post.link);

    // The companion plugin prints the SEO title and description on the live page.
    const page = await (await fetch(post.link)).text();
    expect(page).toContain('<title>Grow Tomatoes in Pots: The Complete Guide</title>');
    expect(page).toContain(
      '<meta name="description" content="Everything you need to grow juicy tomatoes on a balcony." />',
    );
  });

  it('a post deleted in WordPress is created again, and the record says so', async () => {
    const del = await wpApi('DELETE', `/posts/${postId}?force=true`);
    expect(del.status).toBe(200);
    const res = await call('POST', publishPath(row.id), { token: owner.token, body: { status: 'publish' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { record, wordpress: wpPost } = res.body.data;
    expect(wpPost.post_id).not.toBe(postId);
    expect(wpPost.action).toBe('created');
    expect(record.metadata.previous_post).toEqual({ id: postId, reason: expect.stringMatching(/deleted/) });
    expect(record.metadata.warnings.join(' ')).toContain(`WordPress post ${postId} was deleted in WordPress`);
    const post = (await wpApi('GET', `/posts/${wpPost.post_id}?context=edit`)).data;
    expect(post.status).toBe('publish');
    expect((await contentRow(fx, row.id)).wp_post_id).toBe(wpPost.post_id);
    postId = wpPost.post_id;
  });

  it('media deleted in WordPress is uploaded again; media still there is reused', async () => {
    const before = (await records(owner, `content_id=${row.id}&status=published&page_size=1`)).body.results[0].metadata
      .media;
    const gone = before.find((m: { image_id: number }) => m.image_id === featured.id);
    expect((await wpApi('DELETE', `/media/${gone.wp_media_id}?force=true`)).status).toBe(200);
    const res = await call('POST', publishPath(row.id), { token: owner.token, body: { status: 'publish' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const media = res.body.data.record.metadata.media;
    const again = media.find((m: { image_id: number }) => m.image_id === featured.id);
    expect(again.reused).toBe(false);
    expect(again.wp_media_id).not.toBe(gone.wp_media_id);
    expect(media.filter((m: { reused: boolean }) => m.reused).map((m: { image_id: number }) => m.image_id)).toEqual([
      inline.id,
      appended.id,
    ]);
    expect((await wpApi('GET', `/posts/${postId}?context=edit`)).data.featured_media).toBe(again.wp_media_id);
  });

  it('pushing a live post back as a draft unpublishes it and the content leaves "published"', async () => {
    const res = await call('POST', publishPath(row.id), { token: owner.token, body: { status: 'draft' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.wordpress).toMatchObject({ post_id: postId, status: 'draft' });
    expect((await wpApi('GET', `/posts/${postId}?context=edit`)).data.status).toBe('draft');
    expect((await contentRow(fx, row.id)).status).toBe('review');
  });

  it('lists the records of a content, newest first, paginated', async () => {
    const res = await records(owner, `content_id=${row.id}&page_size=2`);
    expect(res.body.count).toBe(5);
    expect(res.body.results).toHaveLength(2);
    expect(res.body.next).toContain('page=2');
    expect(res.body.previous).toBeNull();
    expect(res.body.results[0].metadata.requested_status).toBe('draft');
    const page2 = await records(owner, `content_id=${row.id}&page_size=2&page=2`);
    expect(page2.body.results.map((r: { id: number }) => r.id)).not.toContain(res.body.results[0].id);
    const one = await call('GET', `${RECORDS}${res.body.results[0].id}/`, { token: fx.members.viewer.token });
    expect(one.status).toBe(200);
    expect(one.body.data.id).toBe(res.body.results[0].id);
    expect((await records(owner, `site_id=${fx.granted.id}&status=published`)).body.count).toBeGreaterThanOrEqual(5);
    expectError(await call('GET', `${RECORDS}?status=bogus`, { token: owner.token }), 400, 'validation_error');
  });
});

describe('publishing what editors see: the live draft', () => {
  const ARTICLE =
    '<p>Herbs grow well on a sunny windowsill all year.</p>' +
    '<h2>Light</h2><p>Basil wants six hours of sun.</p>' +
    '<h2>Water</h2><p>Water when the soil is dry.</p>';

  it(
    'sends an edit the row does not have yet and the image placed in the draft, ' + 'once, as WordPress media',
    async () => {
      const row = await insertContent(fx, fx.granted, { title: unique('Windowsill herbs'), html_content: ARTICLE });
      const bytes = await pngBytes([10, 120, 10]);
      const image = await insertImage(
        fx,
        row,
        { image_type: 'in_article', alt: 'Basil in the sun', after_section: 0 },
        { bytes, type: 'image/png' },
      );
      // The file where generate_images puts it (…/images/<id>/<job>.<ext>), as the draft shows it.
      const key = `accounts/${fx.accountId}/sites/${row.site_id}/images/${image.id}/job-1.png`;
      await env.MEDIA.put(key, bytes, { httpMetadata: { contentType: 'image/png' } });
      await shardBinding(fx.shard).prepare('UPDATE images SET r2_key = ? WHERE id = ?').bind(key, image.id).run();
      const room = draftRoomOf(env, fx.accountId, row.id);
      expect(
        await room.placeImage({ imageId: image.id, src: `/media/${key}`, alt: 'Basil in the sun', afterSection: 0 }),
      ).toMatchObject({ kind: 'inserted' });

      // An editor types into the open draft.
      const editor = await openDraft(row.id, owner.token);
      await editor.synced;
      const edit = 'Edited live: rosemary likes it dry.';
      editor.doc.transact(() => {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(edit)]);
        editor.fragment.insert(editor.fragment.length, [p]);
      });
      // The row lags the draft (the room projects on a debounce): once the projection landed, the
      // row is put back to the article as it was, which the room will not rewrite until the next change.
      const read = () =>
        shardBinding(fx.shard)
          .prepare('SELECT html_content FROM content WHERE id = ?')
          .bind(row.id)
          .first<{ html_content: string }>();
      for (let deadline = Date.now() + 8000; !(await read())!.html_content.includes(edit); ) {
        if (Date.now() > deadline) throw new Error('the draft was never projected to the row');
        await new Promise((r) => setTimeout(r, 50));
      }
      await shardBinding(fx.shard)
        .prepare('UPDATE content SET html_content = ? WHERE id = ?')
        .bind(ARTICLE, row.id)
        .run();
      editor.close();
      expect((await room.snapshotHtml()).html).toContain(edit);
      expect((await read())!.html_content).toBe(ARTICLE);

      const res = await call('POST', publishPath(row.id), { token: owner.token, body: { status: 'draft' } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const { record, wordpress: wpPost } = res.body.data;
      expect(record.metadata.html).toMatchObject({
        source: 'draft',
        rewritten_image_ids: [image.id],
        inserted_image_ids: [],
        dropped_srcs: [],
      });
      const media = (await wpApi('GET', `/media/${record.metadata.media[0].wp_media_id}?context=edit`)).data;
      expect(media.mime_type).toBe('image/png');

      const html: string = (await wpApi('GET', `/posts/${wpPost.post_id}?context=edit`)).data.content.raw;
      expect(html).toContain(`<p>${edit}</p>`);
      expect(html.split(media.source_url).length - 1).toBe(1);
      expect(html).toContain(`<img src="${media.source_url}" alt="Basil in the sun">`);
      expect(html.indexOf(media.source_url)).toBeGreaterThan(html.indexOf('<h2>Light</h2>'));
      expect(html.indexOf(media.source_url)).toBeLessThan(html.indexOf('<h2>Water</h2>'));
      expect(html).not.toContain('/media/accounts/');
    },
  );

  it('an empty draft falls back to the row (an article the room never received)', async () => {
    const row = await insertContent(fx, fx.granted, { title: unique('Row only') });
    await draftRoomOf(env, fx.accountId, row.id).replaceWithHtml('');
    await shardBinding(fx.shard)
      .prepare('UPDATE content SET html_content = ? WHERE id = ?')
      .bind(ARTICLE, row.id)
      .run();
    const res = await call('POST', publishPath(row.id), { token: owner.token, body: { status: 'draft' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.record.metadata.html).toMatchObject({ source: 'row' });
    const html: string = (await wpApi('GET', `/posts/${res.body.data.wordpress.post_id}?context=edit`)).data.content
      .raw;
    expect(html).toBe(ARTICLE);
  });
});

describe('moving the site to another WordPress', () => {
  it('forgets the old post and media ids and the saved password; same host over https keeps them', async () => {
    const other = await signup('pubmove');
    const ofx = await populateAccount(other, 'pubmove');
    const wp = wordpress();
    await connectSite(other, ofx.granted.id);
    const row = await insertContent(ofx, ofx.granted, { title: unique('Moving') });
    const img = await insertImage(
      ofx,
      row,
      { image_type: 'featured' },
      { bytes: await pngBytes([7, 7, 7]), type: 'image/png' },
    );
    const first = await call('POST', publishPath(row.id), { token: other.token, body: { status: 'draft' } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect((await contentRow(ofx, row.id)).wp_post_id).toBe(first.body.data.wordpress.post_id);

    // Same WordPress written differently (trailing slash): nothing is forgotten.
    const same = await call('PUT', `/api/v1/publisher/sites/${ofx.granted.id}/wordpress/`, {
      token: other.token,
      body: { wp_url: `${wp.url}/` },
    });
    expect(same.body).toMatchObject({ message: 'Saved.', data: { password_set: true } });

    // localhost instead of 127.0.0.1 is another host: ids and password are dropped.
    const moved = await call('PUT', `/api/v1/publisher/sites/${ofx.granted.id}/wordpress/`, {
      token: other.token,
      body: { wp_url: wp.url.replace('127.0.0.1', 'localhost') },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.message).toMatch(/another WordPress site.*enter its application password/);
    expect(moved.body.data).toMatchObject({ password_set: false, configured: false });
    expect(await contentRow(ofx, row.id)).toMatchObject({ wp_post_id: null, wp_post_url: null });
    const media = await shardBinding(ofx.shard)
      .prepare('SELECT wp_media_id FROM images WHERE id = ?')
      .bind(img.id)
      .first<{ wp_media_id: number | null }>();
    expect(media!.wp_media_id).toBeNull();
  });
});

describe('failures leave a failed record and nothing marked published', () => {
  it('bad credentials: step "connect" fails with wp_auth_failed', async () => {
    const site = fx.ungranted;
    await connectSite(owner, site.id, { wp_app_password: 'abcd efgh ijkl mnop qrst uvwx' });
    const row = await insertContent(fx, site, { title: unique('Never arrives') });
    await insertImage(fx, row, { image_type: 'featured' }, { bytes: await pngBytes([1, 2, 3]), type: 'image/png' });
    const res = await call('POST', publishPath(row.id), { token: owner.token, body: { status: 'publish' } });
    expectError(res, 422, 'wp_auth_failed');
    expect(res.body.error).toMatch(
      /while connecting to WordPress \(step "connect"\): WordPress rejected the username or application password/,
    );
    expect(res.body.record).toMatchObject({ status: 'failed', content_id: row.id, destination_id: null });
    expect(res.body.record.metadata).toMatchObject({
      failed_step: 'connect',
      error_code: 'wp_auth_failed',
      steps_done: ['settings'],
      media: [],
    });

    const listed = await records(owner, `content_id=${row.id}`);
    expect(listed.body.results).toHaveLength(1);
    expect(listed.body.results[0]).toMatchObject({ status: 'failed', error_message: res.body.error });
    expect(await contentRow(fx, row.id)).toMatchObject({
      status: 'draft',
      wp_post_id: null,
      wp_post_url: null,
      published_at: null,
    });
  });

  it('a WordPress user who may not publish: Test Connection warns, publishing live fails at "connect"', async () => {
    const login = `contrib${Date.now().toString(36)}`;
    const user = await wpApi('POST', '/users', {
      username: login,
      email: `${login}@example.test`,
      password: `pw-${crypto.randomUUID()}`,
      roles: ['contributor'],
    });
    expect(user.status, JSON.stringify(user.data)).toBe(201);
    const app = await wpApi('POST', `/users/${user.data.id}/application-passwords`, { name: 'igny8-test' });
    expect(app.status, JSON.stringify(app.data)).toBe(201);
    const site = fx.ungranted;
    await connectSite(owner, site.id, { wp_username: login, wp_app_password: app.data.password });

    const test = await call('POST', `/api/v1/publisher/sites/${site.id}/wordpress/test/`, { token: owner.token });
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body.data).toMatchObject({
      can_publish: false,
      can_upload: false,
      user: { slug: login, roles: ['contributor'] },
    });
    expect(test.body.data.warnings.join(' ')).toMatch(/cannot publish posts/);

    const row = await insertContent(fx, site, { title: unique('Contributor post') });
    const res = await call('POST', publishPath(row.id), { token: owner.token, body: { status: 'publish' } });
    expectError(res, 422, 'wp_forbidden');
    expect(res.body.error).toContain(`The WordPress user "${login}" (contributor) cannot publish posts`);
    expect(res.body.record.metadata).toMatchObject({ failed_step: 'connect', steps_done: ['settings'] });
    expect((await contentRow(fx, row.id)).wp_post_id).toBeNull();
  });

  it('a file WordPress must not get (SVG): step "media" fails naming the image; what got there is listed', async () => {
    const row = await insertContent(fx, fx.granted, { title: unique('With a bad image') });
    const good = await insertImage(
      fx,
      row,
      { image_type: 'featured' },
      { bytes: await pngBytes([9, 9, 9]), type: 'image/png' },
    );
    const bad = await insertImage(
      fx,
      row,
      { image_type: 'in_article', after_section: 0 },
      {
        bytes: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        type: 'image/svg+xml',
        ext: 'svg',
      },
    );
    const res = await call('POST', publishPath(row.id), { token: owner.token, body: { status: 'publish' } });
    expectError(res, 422, 'media_rejected');
    expect(res.body.error).toContain(`step "media"`);
    expect(res.body.error).toContain(
      `Image ${bad.id} (in-article) is not a PNG, JPEG, GIF or WebP image (stored as image/svg+xml)`,
    );
    const meta = res.body.record.metadata;
    expect(meta).toMatchObject({
      failed_step: 'media',
      error_code: 'media_rejected',
      steps_done: ['settings', 'connect'],
    });
    expect(meta.media).toEqual([expect.objectContaining({ image_id: good.id, image_type: 'featured', reused: false })]);
    expect((await wpApi('GET', `/media/${meta.media[0].wp_media_id}`)).status).toBe(200);
    expect(meta.post).toBeUndefined();
    expect(await contentRow(fx, row.id)).toMatchObject({ status: 'draft', wp_post_id: null });
  });

  it('an image whose file is gone from storage: step "media", media_missing', async () => {
    const row = await insertContent(fx, fx.granted, { title: unique('Lost file') });
    const img = await insertImage(
      fx,
      row,
      { image_type: 'featured' },
      { bytes: await pngBytes([5, 5, 5]), type: 'image/png' },
    );
    const { env } = await import('cloudflare:workers');
    await env.MEDIA.delete(img.r2_key!);
    const res = await call('POST', publishPath(row.id), { token: owner.token, body: {} });
    expectError(res, 422, 'media_missing');
    expect(res.body.error).toContain(`Image ${img.id} (featured): its file (${img.r2_key}) is missing from storage`);
  });

  it('no WordPress settings: step "settings" fails with wp_not_configured', async () => {
    const other = await signup('pubnone');
    const ofx = await populateAccount(other, 'pubnone');
    const row = await insertContent(ofx, ofx.granted);
    const res = await call('POST', publishPath(row.id), { token: other.token, body: { status: 'draft' } });
    expectError(res, 422, 'wp_not_configured');
    expect(res.body.record.metadata).toMatchObject({ failed_step: 'settings', steps_done: [] });
  });

  it('one attempt at a time per content: 409 while another is in flight', async () => {
    const row = await insertContent(fx, fx.granted);
    const now = Date.now();
    await shardBinding(fx.shard)
      .prepare(
        'INSERT INTO publishing_records (account_id, site_id, content_id, ' +
          'destination, status, metadata, created_at, updated_at) VALUES (?, ?, ' +
          "?, 'wordpress', 'publishing', '{}', ?, ?)",
      )
      .bind(fx.accountId, fx.granted.id, row.id, now, now)
      .run();
    expectError(
      await call('POST', publishPath(row.id), { token: owner.token, body: { status: 'draft' } }),
      409,
      'publish_in_progress',
    );
  });
});

describe('publishing access', () => {
  let row: ContentRow;
  let hidden: ContentRow;
  beforeAll(async () => {
    row = await insertContent(fx, fx.granted);
    hidden = await insertContent(fx, fx.ungranted);
  });

  it('viewers get 403; ids of other accounts, ungranted sites and missing rows are 404', async () => {
    expectError(
      await call('POST', publishPath(row.id), { token: fx.members.viewer.token, body: { status: 'draft' } }),
      403,
      'permission_denied',
    );
    expectError(
      await call('POST', publishPath(row.id), { token: stranger.token, body: { status: 'draft' } }),
      404,
      'not_found',
    );
    expectError(
      await call('POST', publishPath(hidden.id), { token: fx.members.editor.token, body: { status: 'draft' } }),
      404,
      'not_found',
    );
    expectError(
      await call('POST', publishPath(MISSING_ID), { token: owner.token, body: { status: 'draft' } }),
      404,
      'not_found',
    );
    expectError(
      await call('POST', publishPath(row.id), { token: owner.token, body: { status: 'future' } }),
      400,
      'validation_error',
    );
    // None of those left a record.
    expect((await records(owner, `content_id=${row.id}`)).body.count).toBe(0);
  });

  it('records of other accounts and ungranted sites are invisible', async () => {
    const own = await records(owner, `site_id=${fx.granted.id}`);
    expect(own.body.count).toBeGreaterThan(0);
    const id = own.body.results[0].id;
    expectError(await call('GET', `${RECORDS}${id}/`, { token: stranger.token }), 404, 'not_found');
    expect((await records(stranger, '')).body.count).toBe(0);
    const ungranted = await records(owner, `site_id=${fx.ungranted.id}`);
    expect(ungranted.body.count).toBeGreaterThan(0);
    expectError(
      await call('GET', `${RECORDS}${ungranted.body.results[0].id}/`, { token: fx.members.editor.token }),
      404,
      'not_found',
    );
    expect((await records(fx.members.editor, `site_id=${fx.ungranted.id}`)).body.count).toBe(0);
  });
});
