import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { deriveExcerpt, htmlToText } from '../../core/html/sanitize';
import { content, images, publishingRecords, type SiteRow } from '../../core/schema/shard';
import { slugify } from '../../core/validation/common';
import type { WordPressPublishOptions } from '../../core/validation/publisher';
import type { Env } from '../env';
import { ApiError, Conflict, NotFound } from '../http/errors';
import type { Tenant } from '../middleware/tenant';
import { requireSite } from '../sites/access';
import { linkToPublishedArticle } from '../linker/on-publish';
import { linkWordPressPost, recordWordPressPublish } from '../writer/content-service';
import { linkWordPressMedia } from '../writer/images-service';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { prepareArticleHtml, type ArticleImage } from './html';
import { wordpressConnectionOf } from '../integration/connection';
import {
  postMismatches,
  WordPressError,
  type WordPressClient,
  type WpPost,
  type WpPostFields,
} from '../integration/wordpress-client';
import { credentialsOf, IGNY8_META, THIRD_PARTY_META, wordpressClient } from './settings';

/**
 * Publishing one content row to its site's WordPress, step by step:
 *
 *   settings → connect → media → html → terms → post → verify → publish → save
 *
 * The article is what editors see: the live draft (liveArticle), with its images sent as media.
 *
 * Every attempt has a PublishingRecord (pending → publishing → published | failed) whose metadata
 * is written after each step: the steps done, the media and term ids, the post id. A failure,
 * or a Worker that dies half-way, leaves a record that says exactly what reached WordPress.
 * The post is created (or updated) as a draft and checked against what was sent before it is
 * made public; its id is stored on the content as soon as it exists, so the next attempt updates
 * the same post instead of creating another. A post deleted in WordPress is created again, and
 * the record says so.
 */

export type PublishStep = 'settings' | 'connect' | 'media' | 'html' | 'terms' | 'post' | 'verify' | 'publish' | 'save';

type RecordRow = typeof publishingRecords.$inferSelect;

/** Where the published article came from: the live draft, or the content row (liveArticle). */
export type ArticleSource = 'draft' | 'row';

export interface MediaEntry {
  image_id: number;
  image_type: 'featured' | 'in_article';
  wp_media_id: number;
  source_url: string;
  reused: boolean;
}

export interface TermEntry {
  name: string;
  id: number;
  created: boolean;
}

export interface RecordMetadata {
  wp_url?: string;
  requested_status: WordPressPublishOptions['status'];
  steps_done: PublishStep[];
  current_step?: PublishStep;
  failed_step?: PublishStep;
  error_code?: string;
  wp_user?: { id: number; slug: string };
  media: MediaEntry[];
  featured_media_id?: number | null;
  /** source: where the article came from, the live draft or (when it is empty or unreadable) the row. */
  html?: {
    source: ArticleSource;
    rewritten_image_ids: number[];
    inserted_image_ids: number[];
    dropped_srcs: string[];
    bytes: number;
  };
  terms: { categories: TermEntry[]; tags: TermEntry[] };
  seo_meta?: { keys: string[]; skipped?: string };
  post?: { id: number; action: 'created' | 'updated'; status: string; link: string };
  previous_post?: { id: number; reason: string };
  warnings: string[];
}

/** A failed attempt: the API error to answer with and the record that explains it. */
export class PublishFailed extends Error {
  constructor(
    readonly error: ApiError,
    readonly record: RecordRow,
  ) {
    super(error.message);
  }
}

/** A step failure in our own words (not from WordPress). */
class StepError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const ALLOWED_IMAGE_TYPES: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** A publish still "in flight" after this long is presumed dead and no longer blocks a new one. */
const IN_FLIGHT_MS = 10 * 60 * 1000;
const STEP_LABEL: Record<PublishStep, string> = {
  settings: 'reading the WordPress settings',
  connect: 'connecting to WordPress',
  media: 'uploading images',
  html: 'preparing the article HTML',
  terms: 'creating categories and tags',
  post: 'saving the post',
  verify: 'checking what WordPress stored',
  publish: 'publishing the post',
  save: 'saving the result',
};

/** The image type from its first bytes (what the file is, whatever it claims to be). */
export function sniffImageType(bytes: Uint8Array): string | null {
  const b = bytes;
  if (
    b.length >= 8 &&
    b[0] === 0x89 &&
    b[1] === 0x50 &&
    b[2] === 0x4e &&
    b[3] === 0x47 &&
    b[4] === 0x0d &&
    b[5] === 0x0a &&
    b[6] === 0x1a &&
    b[7] === 0x0a
  )
    return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (
    b.length >= 6 &&
    b[0] === 0x47 &&
    b[1] === 0x49 &&
    b[2] === 0x46 &&
    b[3] === 0x38 &&
    (b[4] === 0x37 || b[4] === 0x39) &&
    b[5] === 0x61
  )
    return 'image/gif';
  if (
    b.length >= 12 &&
    String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' &&
    String.fromCharCode(...b.subarray(8, 12)) === 'WEBP'
  )
    return 'image/webp';
  return null;
}

/** SEO text as WordPress's sanitize_text_field would keep it: no tags, single spaces. */
const plain = (s: string, max: number) => htmlToText(s).slice(0, max);

/**
 * The post title as WordPress expects it: HTML (themes print it unescaped), so the plain text is
 * escaped. Markup in our title (or `&lt;script&gt;` that decodes to it) reaches WordPress as text.
 */
export const wpTitle = (title: string) =>
  plain(title, 300).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The post's address as WordPress reported it, only if it is an http(s) URL: it is stored and shown
 * as a link, so a `javascript:` or `data:` link from a hostile or broken site must not get through.
 */
export function safePostLink(link: string): string | null {
  if (!link) return null;
  try {
    const url = new URL(link);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

class Attempt {
  meta: RecordMetadata;
  step: PublishStep = 'settings';

  constructor(
    private readonly tenant: Tenant,
    public record: RecordRow,
  ) {
    this.meta = record.metadata as unknown as RecordMetadata;
  }

  private where() {
    return and(eq(publishingRecords.account_id, this.tenant.account.id), eq(publishingRecords.id, this.record.id));
  }

  async save(patch: Partial<RecordRow> = {}) {
    const [row] = await this.tenant.db
      .update(publishingRecords)
      .set({ ...patch, metadata: this.meta as unknown as Record<string, unknown>, updated_at: new Date() })
      .where(this.where())
      .returning();
    if (row) this.record = row;
  }

  async begin(step: PublishStep) {
    this.step = step;
    this.meta.current_step = step;
    await this.save(step === 'settings' ? {} : { status: 'publishing' });
  }

  async done() {
    if (!this.meta.steps_done.includes(this.step)) this.meta.steps_done.push(this.step);
  }
}

/** A fresh attempt's bookkeeping (the steps, media and terms it will fill in). */
const attemptMetadata = (status: WordPressPublishOptions['status']): RecordMetadata => ({
  requested_status: status,
  steps_done: [],
  media: [],
  terms: { categories: [], tags: [] },
  warnings: [],
});

/** Opens the attempt's record, unless another attempt for the same content is still running. */
async function openRecord(
  tenant: Tenant,
  row: typeof content.$inferSelect,
  status: WordPressPublishOptions['status'],
): Promise<RecordRow> {
  const metadata = attemptMetadata(status);
  const now = Date.now();
  const inserted = await tenant.db.get<{ id: number } | undefined>(sql`
    INSERT INTO publishing_records (account_id, site_id, content_id, destination, status, metadata, created_by_user_id,
                                    created_at, updated_at)
    SELECT ${tenant.account.id}, ${row.site_id}, ${row.id}, 'wordpress', 'pending', ${JSON.stringify(metadata)},
           ${tenant.user.id}, ${now}, ${now}
    WHERE NOT EXISTS (
      SELECT 1 FROM publishing_records
      WHERE account_id = ${tenant.account.id} AND site_id = ${row.site_id} AND content_id = ${row.id}
        AND status IN ('pending', 'publishing') AND updated_at > ${now - IN_FLIGHT_MS})
    RETURNING id`);
  if (!inserted)
    throw new Conflict(
      'This content is being published right now; wait for that attempt to finish.',
      'publish_in_progress',
    );
  const record = await tenant.db
    .select()
    .from(publishingRecords)
    .where(and(eq(publishingRecords.account_id, tenant.account.id), eq(publishingRecords.id, inserted.id)))
    .get();
  return record!;
}

/**
 * A record a scheduled publish claimed (pending → publishing) when its time came, or claimed before a
 * restart cut the attempt short: the attempt runs under it, keeping what the record says about the
 * schedule (worker/publisher/schedule-fire.ts).
 */
async function claimedRecord(tenant: Tenant, recordId: number, status: WordPressPublishOptions['status']) {
  const record = await tenant.db
    .select()
    .from(publishingRecords)
    .where(and(eq(publishingRecords.account_id, tenant.account.id), eq(publishingRecords.id, recordId)))
    .get();
  if (record?.status !== 'publishing') throw new NotFound('Publishing record');
  const kept = (record.metadata ?? {}) as Record<string, unknown>;
  return { ...record, metadata: { ...kept, ...attemptMetadata(status) } as unknown as Record<string, unknown> };
}

/**
 * Publishes a content row to its site's WordPress as `tenant`'s user: from a request, or from the
 * site coordinator's alarm for a scheduled publish (schedule-actor.ts builds the tenant of the user
 * who scheduled it, so their access is checked when it runs, not only when it was scheduled).
 * `recordId`: run under that claimed record instead of opening a new one.
 */
export async function publishContent(
  env: Env,
  tenant: Tenant,
  contentId: number,
  input: WordPressPublishOptions & { recordId?: number | undefined },
) {
  const row = await tenant.db
    .select()
    .from(content)
    .where(and(eq(content.account_id, tenant.account.id), eq(content.id, contentId)))
    .get();
  if (!row) throw new NotFound('Content');
  const site = await requireSite(tenant, row.site_id, 'write');
  const record = input.recordId
    ? await claimedRecord(tenant, input.recordId, input.status)
    : await openRecord(tenant, row, input.status);
  const attempt = new Attempt(tenant, record);
  try {
    return await runAttempt(env, tenant, site, row, input.status, attempt);
  } catch (err) {
    const known = err instanceof WordPressError || err instanceof ApiError || err instanceof StepError;
    const code =
      err instanceof WordPressError || err instanceof ApiError || err instanceof StepError
        ? err.code
        : 'internal_error';
    const reason = known ? (err as Error).message : 'An unexpected error happened; nothing more was sent to WordPress.';
    const postNote = attempt.meta.post
      ? ` The WordPress post ${attempt.meta.post.id} exists as ${attempt.meta.post.status}.`
      : '';
    const failedStep = `${STEP_LABEL[attempt.step]} (step "${attempt.step}")`;
    const message = `Publishing failed while ${failedStep}: ${reason}${postNote}`;
    attempt.meta.failed_step = attempt.step;
    attempt.meta.error_code = code;
    delete attempt.meta.current_step;
    await attempt.save({ status: 'failed', error_message: message });
    if (!known) {
      console.error(
        JSON.stringify({
          level: 'error',
          message: 'publish failed',
          record_id: attempt.record.id,
          error: (err as Error)?.stack ?? String(err),
        }),
      );
      throw new PublishFailed(new ApiError(500, message, code), attempt.record);
    }
    const status = err instanceof WordPressError ? err.toApiError().status : err instanceof ApiError ? err.status : 422;
    const fields =
      err instanceof WordPressError ? err.toApiError().errors : err instanceof ApiError ? err.errors : undefined;
    throw new PublishFailed(new ApiError(status, message, code, fields), attempt.record);
  }
}

async function runAttempt(
  env: Env,
  tenant: Tenant,
  site: SiteRow,
  row: typeof content.$inferSelect,
  requested: WordPressPublishOptions['status'],
  attempt: Attempt,
) {
  const meta = attempt.meta;
  const accountId = tenant.account.id;

  // ---------------------------------------------------------------- settings
  await attempt.begin('settings');
  const credentials = await credentialsOf(env, await wordpressConnectionOf(tenant.db, accountId, site.id));
  meta.wp_url = credentials.url;
  await attempt.done();

  // ---------------------------------------------------------------- connect
  await attempt.begin('connect');
  const wp = wordpressClient(env, credentials);
  const user = await wp.me();
  meta.wp_user = { id: user.id, slug: user.slug };
  if (requested === 'publish' && user.capabilities.publish_posts !== true) {
    throw new StepError(
      `The WordPress user "${user.slug}" (${user.roles.join(', ') || 'no role'}) cannot publish posts: ` +
        'push it as a draft, or use an Author, Editor or Administrator.',
      'wp_forbidden',
    );
  }
  const metaKeys = await wp.postMetaKeys();
  await attempt.done();

  // ---------------------------------------------------------------- media
  await attempt.begin('media');
  const rows = await tenant.db
    .select()
    .from(images)
    .where(
      and(
        eq(images.account_id, accountId),
        eq(images.site_id, row.site_id),
        eq(images.content_id, row.id),
        isNotNull(images.r2_key),
      ),
    )
    .orderBy(asc(images.id))
    .all();
  const featuredRows = rows.filter((r) => r.image_type === 'featured');
  if (featuredRows.length > 1)
    meta.warnings.push(
      `Content has ${featuredRows.length} featured images; image ${featuredRows.at(-1)!.id} (the newest) is used.`,
    );
  const featured = featuredRows.at(-1);
  const inArticle = rows
    .filter((r) => r.image_type === 'in_article')
    .sort((a, b) => (a.after_section ?? 1e9) - (b.after_section ?? 1e9) || a.id - b.id);
  const mediaByImage = new Map<number, MediaEntry>();
  for (const image of [...(featured ? [featured] : []), ...inArticle]) {
    const entry = await uploadImage(env, tenant, wp, row, image);
    mediaByImage.set(image.id, entry);
    meta.media.push(entry);
    await attempt.save(); // the record lists every media item as soon as it is in WordPress
  }
  meta.featured_media_id = featured ? mediaByImage.get(featured.id)!.wp_media_id : null;
  await attempt.done();

  // ---------------------------------------------------------------- html
  await attempt.begin('html');
  const articleImage = (img: (typeof rows)[number]): ArticleImage => ({
    imageId: img.id,
    r2Key: img.r2_key!,
    url: mediaByImage.get(img.id)!.source_url,
    alt: img.alt || row.primary_keyword || row.title,
    afterSection: img.after_section,
    featured: img.image_type === 'featured',
  });
  const article = await liveArticle(env, accountId, row, meta.warnings);
  const prepared = prepareArticleHtml(article.html, [...(featured ? [featured] : []), ...inArticle].map(articleImage));
  if (!htmlToText(prepared.html) && inArticle.length === 0)
    throw new StepError('The content has no text to publish.', 'content_empty');
  meta.html = {
    source: article.source,
    rewritten_image_ids: prepared.rewritten,
    inserted_image_ids: prepared.inserted,
    dropped_srcs: prepared.dropped.slice(0, 20),
    bytes: prepared.html.length,
  };
  if (prepared.dropped.length)
    meta.warnings.push(
      `${prepared.dropped.length} image(s) in the HTML point at files that are not images of this content ` +
        `and were left out: ${prepared.dropped.slice(0, 3).join(', ')}`,
    );
  await attempt.done();

  // ---------------------------------------------------------------- terms
  await attempt.begin('terms');
  const unique = (names: string[]) => {
    const seen = new Set<string>();
    return names
      .map((n) => n.replace(/\s+/g, ' ').trim())
      .filter((n) => n && !seen.has(n.toLowerCase()) && seen.add(n.toLowerCase()));
  };
  for (const taxonomy of ['categories', 'tags'] as const) {
    for (const name of unique(row[taxonomy] ?? []).slice(0, 50)) {
      const term = await wp.ensureTerm(taxonomy, name);
      meta.terms[taxonomy].push({ name, id: term.id, created: term.created });
    }
    await attempt.save();
  }
  await attempt.done();

  // ---------------------------------------------------------------- post
  // (always a draft first, unless it is live already)
  await attempt.begin('post');
  const seoMeta = seoMetaFor(row, metaKeys, article.html);
  meta.seo_meta = seoMeta.keys.length
    ? { keys: seoMeta.keys }
    : {
        keys: [],
        skipped:
          'WordPress exposes no SEO meta keys: ' +
          'install and activate the igny8-seo-meta plugin for the SEO title and description to arrive.',
      };
  if (!seoMeta.keys.length) meta.warnings.push(meta.seo_meta.skipped!);
  const excerpt = row.excerpt.trim() ? plain(row.excerpt, 1000) : deriveExcerpt(prepared.html);
  const fields: WpPostFields = {
    title: wpTitle(row.title),
    content: prepared.html,
    excerpt,
    featured_media: meta.featured_media_id ?? 0,
    tags: meta.terms.tags.map((t) => t.id),
    meta: seoMeta.values,
  };
  if (meta.terms.categories.length) fields.categories = meta.terms.categories.map((t) => t.id);

  let existing: WpPost | null = null;
  if (row.wp_post_id) {
    existing = await wp.getPost(row.wp_post_id);
    if (!existing || existing.status === 'trash') {
      meta.previous_post = {
        id: row.wp_post_id,
        reason: existing
          ? 'it is in the WordPress trash: a new post was created'
          : 'it no longer exists in WordPress (deleted): a new post was created',
      };
      meta.warnings.push(
        `WordPress post ${row.wp_post_id} ${existing ? 'is in the trash' : 'was deleted in WordPress'}; ` +
          'created a new post instead.',
      );
      existing = null;
    }
  }
  const firstStatus: 'draft' | 'publish' =
    requested === 'publish' && existing?.status === 'publish' ? 'publish' : 'draft';
  const sent: WpPostFields = { ...fields, status: firstStatus };
  let post = existing ? await wp.updatePost(existing.id, sent) : await wp.createPost(sent);
  const link = () => {
    const safe = safePostLink(post.link);
    if (post.link && !safe && !meta.warnings.some((w) => w.startsWith('WordPress reported the post address'))) {
      meta.warnings.push(
        `WordPress reported the post address as "${post.link.slice(0, 100)}", ` +
          'which is not an http(s) URL: it was not stored.',
      );
    }
    return safe;
  };
  meta.post = { id: post.id, action: existing ? 'updated' : 'created', status: post.status, link: link() ?? '' };
  // The id is kept at once: whatever happens next, the next attempt updates this post.
  await linkWordPressPost(tenant.db, accountId, row.id, { postId: post.id, url: link() });
  await attempt.save({ destination_id: String(post.id), destination_url: link() });
  await attempt.done();

  // ---------------------------------------------------------------- verify
  await attempt.begin('verify');
  const problems = postMismatches(post, sent);
  const stored = post.content.raw ?? post.content.rendered ?? '';
  for (const m of meta.media.filter((m) => m.image_type === 'in_article')) {
    if (!stored.includes(m.source_url))
      problems.push(`content: in-article image ${m.image_id} (${m.source_url}) is not in the stored post`);
  }
  const storedMeta = Array.isArray(post.meta) ? {} : post.meta;
  for (const [key, value] of Object.entries(seoMeta.values)) {
    if (key in storedMeta && String(storedMeta[key] ?? '') !== value)
      meta.warnings.push(`WordPress changed ${key} while saving it ("${String(storedMeta[key]).slice(0, 80)}").`);
  }
  if (problems.length)
    throw new StepError(`WordPress did not keep everything that was sent: ${problems.join('; ')}.`, 'wp_incomplete');
  await attempt.done();

  // ---------------------------------------------------------------- publish
  if (requested === 'publish' && post.status !== 'publish') {
    await attempt.begin('publish');
    post = await wp.updatePost(post.id, { status: 'publish' });
    if (post.status !== 'publish')
      throw new StepError(`WordPress kept the post as "${post.status}" instead of publishing it.`, 'wp_incomplete');
    meta.post = { ...meta.post, status: post.status, link: link() ?? '' };
    await attempt.done();
  }

  // ---------------------------------------------------------------- save
  await attempt.begin('save');
  const now = new Date();
  // The article's status is the writer's to change (core/schema/owners.ts).
  const saved = await recordWordPressPublish(tenant.db, row, {
    postId: post.id,
    url: link(),
    wpStatus: post.status,
    byUserId: tenant.user.id,
  });
  await attempt.done();
  // Live now: older articles are asked for links to it (the site's inbound_on_publish; best effort).
  if (saved?.status === 'published' && saved.published_at) {
    await linkToPublishedArticle(env, {
      accountId: tenant.account.id,
      shard: tenant.shard,
      siteId: row.site_id,
      contentId: row.id,
      userId: tenant.user.id,
      userName: tenant.user.name || tenant.user.email,
      publishedAt: saved.published_at,
    });
  }
  delete meta.current_step;
  meta.post = { ...meta.post, status: post.status, link: link() ?? '' };
  await attempt.save({
    status: 'published',
    published_at: now,
    error_message: null,
    destination_id: String(post.id),
    destination_url: link(),
  });
  return {
    record: attempt.record,
    content: {
      id: saved!.id,
      status: saved!.status,
      wp_post_id: saved!.wp_post_id,
      wp_post_url: saved!.wp_post_url,
      published_at: saved!.published_at,
    },
    wordpress: { post_id: post.id, status: post.status, link: link() ?? '', action: meta.post.action },
    warnings: meta.warnings,
  };
}

/**
 * The article as editors see it: the live draft. The row's html_content is the draft room's
 * projection, written on a debounce (2 s after the last change, at least every 10 s while typing),
 * so it can lag the last edits. The row is used when the draft is empty or cannot be read (then the
 * record says so).
 */
async function liveArticle(
  env: Env,
  accountId: number,
  row: typeof content.$inferSelect,
  warnings: string[],
): Promise<{ html: string; source: ArticleSource }> {
  try {
    const draft = await draftRoomOf(env, accountId, row.id).snapshotHtml();
    if (draft.html.trim()) return { html: draft.html, source: 'draft' };
  } catch (err) {
    console.error(
      JSON.stringify({ level: 'error', message: 'publish: draft unreadable', content_id: row.id, error: String(err) }),
    );
    warnings.push(
      'The live draft could not be read; the article was published as last saved, without edits made since.',
    );
  }
  return { html: row.html_content, source: 'row' };
}

/** Uploads one image from R2 (or reuses its earlier upload when WordPress still has it). */
async function uploadImage(
  env: Env,
  tenant: Tenant,
  wp: WordPressClient,
  row: typeof content.$inferSelect,
  image: typeof images.$inferSelect,
): Promise<MediaEntry> {
  const label = `Image ${image.id} (${image.image_type === 'featured' ? 'featured' : 'in-article'})`;
  if (image.wp_media_id) {
    const existing = await wp.getMedia(image.wp_media_id);
    if (existing)
      return {
        image_id: image.id,
        image_type: image.image_type,
        wp_media_id: existing.id,
        source_url: existing.source_url,
        reused: true,
      };
  }
  const object = await env.MEDIA.get(image.r2_key!);
  if (!object) throw new StepError(`${label}: its file (${image.r2_key}) is missing from storage.`, 'media_missing');
  if (object.size > MAX_IMAGE_BYTES) {
    await object.body.cancel();
    throw new StepError(
      `${label} is ${(object.size / 1048576).toFixed(1)} MB; the limit is ${MAX_IMAGE_BYTES / 1048576} MB.`,
      'media_rejected',
    );
  }
  const bytes = new Uint8Array(await object.arrayBuffer());
  const declared = (object.httpMetadata?.contentType || image.mime_type || 'unknown')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  const actual = sniffImageType(bytes);
  if (!actual) {
    throw new StepError(
      `${label} is not a PNG, JPEG, GIF or WebP image (stored as ${declared}); ` +
        'WordPress would refuse it or serve it unsafely.',
      'media_rejected',
    );
  }
  const ext = ALLOWED_IMAGE_TYPES[actual]!;
  const base = slugify(row.primary_keyword || row.title).slice(0, 60);
  const alt = plain(image.alt || row.primary_keyword || row.title, 250);
  const media = await wp.uploadMedia(bytes, `${base}-${image.id}.${ext}`, actual, alt);
  await linkWordPressMedia(tenant.db, tenant.account.id, image.id, media.id);
  return {
    image_id: image.id,
    image_type: image.image_type,
    wp_media_id: media.id,
    source_url: media.source_url,
    reused: false,
  };
}

/**
 * The SEO meta to send: our companion plugin's keys, plus Yoast/Rank Math keys only where the site
 * exposes them. `html` is the article being published (a description is derived from it if none is set).
 */
export function seoMetaFor(row: typeof content.$inferSelect, registered: string[], html: string) {
  const title = plain(row.meta_title || row.title, 300);
  const description = plain(row.meta_description || row.excerpt || deriveExcerpt(html, 160), 500);
  const primary = plain(row.primary_keyword, 200);
  const secondary = plain((row.secondary_keywords ?? []).join(', '), 500);
  const wanted: Record<string, string> = {
    [IGNY8_META.title]: title,
    [IGNY8_META.description]: description,
    [IGNY8_META.primaryKeyword]: primary,
    [IGNY8_META.secondaryKeywords]: secondary,
  };
  for (const key of THIRD_PARTY_META.title) wanted[key] = title;
  for (const key of THIRD_PARTY_META.description) wanted[key] = description;
  for (const key of THIRD_PARTY_META.primaryKeyword) wanted[key] = primary;
  const values = Object.fromEntries(Object.entries(wanted).filter(([k]) => registered.includes(k)));
  return { keys: Object.keys(values), values };
}
