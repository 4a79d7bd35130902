import { type Context, Hono } from 'hono';
import { and, eq, getTableColumns, ne, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { users } from '../../core/schema/control';
import { content } from '../../core/schema/shard';
import { controlDb } from '../db/shards';
import {
  contentListQuery,
  contentSelectionBody,
  contentStatusBody,
  contentStatusSelectionBody,
  MAX_CONTENT_DELETE,
  updateContentBody,
} from '../../core/validation/writer';
import { createContentBody } from '../../core/validation/draft';
import type { Tenant } from '../db/tenant';
import type { AppEnv } from '../env';
import { BadRequest, Conflict } from '../http/errors';
import { runBatch } from '../db/batch';
import { plural } from '../../core/lib/plural';
import { contentPagesStatement } from '../inventory/service';
import { scopedResource } from '../http/scoped-resource';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { notifySite } from '../planner/notify';
import { likePattern, requirePlacement } from '../planner/scope';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { requireContent } from './content-access';
import { deleteArticles } from './content-delete';
import { refreshContentPage, reviewStatusStatement } from './content-service';

const contentResource = scopedResource<typeof content.$inferSelect, z.output<typeof contentListQuery>>({
  table: content,
  scope: 'site-rows',
  noun: 'Content',
  plural: 'content items',
  tags: ['writer'],
  orderable: {
    title: content.title,
    status: content.status,
    word_count: content.word_count,
    updated_at: content.updated_at,
    created_at: content.created_at,
    id: content.id,
  },
  defaultOrdering: '-updated_at',
  // Bulk actions (issue 14 item 9) read their filter with the list's own query, on one site.
  listQuery: contentListQuery,
  oneSitePerSelection: true,
  filters: (q) => [
    q.status ? eq(content.status, q.status) : undefined,
    q.source ? eq(content.source, q.source) : undefined,
    q.search ? sql`${content.title} LIKE ${likePattern(q.search)} ESCAPE '\\'` : undefined,
  ],
});

/** Slugs are unique per site: a slug another article holds is refused here, not renamed silently. */
async function requireFreeSlug(tenant: Tenant, siteId: number, contentId: number, slug: string) {
  const holder = await tenant.db
    .select({ id: content.id, title: content.title })
    .from(content)
    .where(
      and(
        eq(content.account_id, tenant.account.id),
        eq(content.site_id, siteId),
        eq(content.slug, slug),
        ne(content.id, contentId),
      ),
    )
    .get();
  if (holder) throw new Conflict(`The slug "${slug}" is already used by “${holder.title}” on this site.`, 'slug_taken');
}

/** A list row: the article body stays out of lists (it can be large); the detail has it. */
const listColumns = (() => {
  const { html_content: _html, ...rest } = getTableColumns(content);
  return rest;
})();

/**
 * Minimal content create, mounted at `/api/v1/writer/content` (until the Writer module's content
 * API exists): a manual, empty draft in a sector of a site the user may write. Its DraftRoom starts
 * empty; the AI writer or an editor fills it.
 */
export const contentRoutes = new Hono<AppEnv>()
  .post(
    '/',
    describe('Create an empty content draft', ['writer']),
    authenticate,
    tenantContext,
    body(createContentBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      const { site, sector } = await requirePlacement(tenant, input.site_id, input.sector_id, 'write');
      const row = await tenant.db
        .insert(content)
        .values({
          account_id: tenant.account.id,
          site_id: site.id,
          sector_id: sector.id,
          title: input.title,
          source: 'manual',
          status: 'draft',
        })
        .returning()
        .get();
      return created(c, row);
    },
  )
  .get(
    '/',
    describe('List content (drafts, the review queue with ?status=review, published)', ['writer']),
    authenticate,
    tenantContext,
    query(contentListQuery),
    async (c) => {
      const q = c.req.valid('query');
      const { rows, count } = await contentResource.list(c, q, { columns: listColumns });
      return page(c, rows, count, q.page, q.page_size);
    },
  )
  .get('/:id', describe('One content item with its HTML', ['writer']), authenticate, tenantContext, async (c) => {
    const tenant = c.get('tenant');
    const { id } = await requireContent(tenant, idParam(c), 'read');
    const row = await tenant.db
      .select()
      .from(content)
      .where(and(eq(content.account_id, tenant.account.id), eq(content.id, id)))
      .get();
    // "Moved to review by …" is shown to every role, including those that can't list the users.
    const mover = row?.status_changed_by_user_id
      ? await controlDb(c.env)
          .select({ name: users.name, email: users.email })
          .from(users)
          .where(and(eq(users.account_id, tenant.account.id), eq(users.id, row.status_changed_by_user_id)))
          .get()
      : undefined;
    // requireContent found the row a moment ago (a delete in between answers the rest of it empty, as before).
    return ok(c, { ...row!, status_changed_by_name: mover ? mover.name || mover.email : null });
  })
  .patch(
    '/:id',
    describe('Edit title, SEO meta, excerpt, tags, categories', ['writer']),
    authenticate,
    tenantContext,
    body(updateContentBody),
    async (c) => {
      const tenant = c.get('tenant');
      const { id, site_id } = await requireContent(tenant, idParam(c), 'write');
      const { excerpt, categories, ...meta } = c.req.valid('json');
      if (meta.slug) await requireFreeSlug(tenant, site_id, id, meta.slug);
      // Title, slug, SEO fields, keywords and tags live in the shared draft (DESIGN §9): written there,
      // every editor sees the change and the row gets it as the draft's projection.
      if (Object.keys(meta).length) await draftRoomOf(c.env, tenant.account.id, id).writeMeta(meta);
      const rowFields = { ...(excerpt !== undefined && { excerpt }), ...(categories !== undefined && { categories }) };
      const where = and(eq(content.account_id, tenant.account.id), eq(content.id, id));
      const row = Object.keys(rowFields).length
        ? (await tenant.db.update(content).set(rowFields).where(where).returning())[0]
        : await tenant.db.select().from(content).where(where).get();
      notifySite(c, tenant, site_id, ['content']);
      return ok(c, row);
    },
  )
  .delete(
    '/:id',
    describe('Delete an article with its images, score, page and link suggestions', ['writer']),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const article = await requireContent(tenant, idParam(c), 'write');
      await removeArticles(c, tenant, article.site_id, [article]);
      return ok(c, { id: article.id }, 200, `Deleted “${article.title}”.`);
    },
  )
  .post(
    '/bulk_delete',
    describe('Delete many articles (by ids or by the list filter) with their images, scores and pages', ['writer'], {
      description:
        `At most ${MAX_CONTENT_DELETE} at once. Refused whole (409) when one of them is scheduled ` +
        '(content_scheduled) or being written by the AI (content_generating): nothing is deleted.',
    }),
    authenticate,
    tenantContext,
    body(contentSelectionBody),
    async (c) => {
      const tenant = c.get('tenant');
      const { siteIds, rows } = await contentResource.resolve(tenant, c.req.valid('json'), 'write');
      if (rows.length > MAX_CONTENT_DELETE) {
        throw new BadRequest(
          `${rows.length.toLocaleString('en-US')} articles match: delete at most ${MAX_CONTENT_DELETE} at once.`,
          'selection_too_large',
        );
      }
      await removeArticles(c, tenant, siteIds[0]!, rows);
      return ok(c, { deleted: rows.length }, 200, `Deleted ${plural(rows.length, 'article')}.`);
    },
  )
  .post(
    '/bulk_update_status',
    describe('Move many articles to review or back to draft (by ids or by the list filter)', ['writer'], {
      description: 'Scheduled articles keep their publish time: they are skipped and counted in `skipped_scheduled`.',
    }),
    authenticate,
    tenantContext,
    body(contentStatusSelectionBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      const { siteIds, rows } = await contentResource.resolve(tenant, input, 'write');
      const siteId = siteIds[0]!;
      const movable = rows.filter((row) => row.status !== 'scheduled').map((row) => row.id);
      const a = tenant.account.id;
      // The status and the inventory rows that mirror it land together (the Linker reads the pages).
      const [moved] = await runBatch(tenant.db, [
        reviewStatusStatement(tenant.db, a, movable, { status: input.status, byUserId: tenant.user.id }),
        contentPagesStatement(a, siteId, movable),
      ]);
      const updated = (moved as D1Result | undefined)?.meta.changes ?? 0;
      notifySite(c, tenant, siteId, ['content']);
      const skipped = rows.length - updated;
      const note = skipped
        ? ` ${plural(skipped, 'scheduled article')} kept ${skipped === 1 ? 'its' : 'their'} time.`
        : '';
      return ok(
        c,
        { updated, skipped_scheduled: skipped, status: input.status },
        200,
        `Moved ${plural(updated, 'article')} to ${input.status}.${note}`,
      );
    },
  )
  .post(
    '/:id/status',
    describe('Move a draft to review or back to draft (who and when are recorded)', ['writer']),
    authenticate,
    tenantContext,
    body(contentStatusBody),
    async (c) => {
      const tenant = c.get('tenant');
      const current = await requireContent(tenant, idParam(c), 'write');
      const status = c.req.valid('json').status;
      // A scheduled article keeps its publish time and destination until it is unscheduled, which
      // also closes its pending publishing record: moving it here would leave both behind.
      if (current.status === 'scheduled')
        throw new Conflict('This article is scheduled: unschedule it first (Publisher).', 'content_scheduled');
      const [row] = await tenant.db
        .update(content)
        .set({ status, status_changed_by_user_id: tenant.user.id, status_changed_at: new Date() })
        .where(and(eq(content.account_id, tenant.account.id), eq(content.id, current.id)))
        .returning();
      await refreshContentPage(tenant.db, { account_id: tenant.account.id, site_id: current.site_id, id: current.id });
      notifySite(c, tenant, current.site_id, ['content']);
      return ok(c, row, 200, `Moved to ${status}.`);
    },
  );

/** Deletes articles of one site, cleans their files up after the response, and tells the site's members. */
async function removeArticles(
  c: Context<AppEnv>,
  tenant: Tenant,
  siteId: number,
  rows: Parameters<typeof deleteArticles>[3],
) {
  // What lives outside D1 (draft rooms, R2 files) goes after the answer: the rows are already gone.
  const { cleanup } = await deleteArticles(c.env, tenant, siteId, rows);
  try {
    c.executionCtx.waitUntil(cleanup);
  } catch {
    await cleanup; // no execution context (app.request in a unit test)
  }
  // Members with an article open reload it, find it gone and say so (not a ghost draft).
  notifySite(c, tenant, siteId, ['content', 'images']);
}
