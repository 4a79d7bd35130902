/**
 * The Optimizer API (issue 11, scope item 4), mounted at `/api/v1/optimizer`: an article's brief
 * (what the editor's Web Worker scores against), scoring on demand, a site's articles ranked by
 * score, and an article's score history. Scores are written by the draft room (on projection) and
 * by analyze, which asks the room: one writer of a score for one document.
 */
import { and, asc, count, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { content, contentScoreHistory, contentScores } from '../../core/schema/shard';
import {
  analyzeBody,
  MAX_ANALYZE_BATCH,
  MAX_OPTIMIZE_BATCH,
  optimizeBody,
  optimizeQuoteQuery,
  type ScoresQuery,
  scoresQuery,
} from '../../core/validation/optimizer';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import type { AppEnv } from '../env';
import { NotFound, ValidationError } from '../http/errors';
import { ok, page } from '../http/respond';
import { requireSite } from '../http/site-access';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { startJob } from '../jobs/start-job';
import { requireContent } from '../writer/content-access';
import { optimizeQuote } from './ai/quote';
import { loadBrief } from './brief';
import { issuesOf } from './scores';
import { articlesMatching, filtersOf, withScore } from './selection';
import { requireSelection } from '../planner/scope';

/** Rooms woken at once by analyze: each reads its brief and writes its projection. */
const ANALYZE_CONCURRENCY = 6;
const HISTORY_LIMIT = 500;

const ORDERING: Record<string, SQL> = {
  score: sql`COALESCE(${contentScores.score}, -1)`,
  title: sql`${content.title}`,
  words: sql`${content.word_count}`,
  updated_at: sql`${content.updated_at}`,
  scored_at: sql`COALESCE(${contentScores.scored_at}, 0)`,
};

function orderOf(spec = 'score'): SQL[] {
  const descending = spec.startsWith('-');
  const field = descending ? spec.slice(1) : spec;
  const column = Object.hasOwn(ORDERING, field) ? ORDERING[field] : undefined;
  if (!column) {
    throw new ValidationError({
      ordering: [`Order by one of: ${Object.keys(ORDERING).join(', ')} (prefix - for descending).`],
    });
  }
  return descending ? [desc(column), desc(content.id)] : [asc(column), asc(content.id)];
}

export const optimizerRoutes = new Hono<AppEnv>()
  .get(
    '/brief/:contentId',
    describe("What an article is scored against: its outline, keywords, word range and the site's pages", [
      'optimizer',
    ]),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const { id } = await requireContent(tenant, idParam(c, 'contentId'), 'read');
      const loaded = await loadBrief(tenant.db, tenant.account.id, id);
      if (!loaded) throw new NotFound('Content');
      return ok(c, loaded.editor);
    },
  )
  .post(
    '/analyze',
    describe('Score articles now (free): each is projected and its score recorded', ['optimizer']),
    authenticate,
    tenantContext,
    body(analyzeBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      const ids = input.filter
        ? (await articlesMatching(tenant, { ...input, filter: input.filter }, MAX_ANALYZE_BATCH, 'score')).ids
        : [...new Set(input.content_ids)];
      // Every id is checked before any room is woken: one foreign or unknown id answers 404 for all.
      if (!input.filter) for (const contentId of ids) await requireContent(tenant, contentId, 'write');
      const results = [];
      for (let i = 0; i < ids.length; i += ANALYZE_CONCURRENCY) {
        const part = ids.slice(i, i + ANALYZE_CONCURRENCY);
        const scored = await Promise.all(part.map((id) => draftRoomOf(c.env, tenant.account.id, id).analyze()));
        for (const [j, s] of scored.entries()) {
          results.push({
            content_id: part[j]!,
            score: s?.score ?? null,
            band: s?.band ?? null,
            words: s?.words ?? 0,
            categories: s?.categories ?? null,
            issues: s ? issuesOf(s) : [],
          });
        }
      }
      return ok(c, results);
    },
  )
  .get(
    '/scores',
    describe("A site's articles with their latest score, sortable (?ordering=-score) and filterable", ['optimizer']),
    authenticate,
    tenantContext,
    query(scoresQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      await requireSite(tenant, q.site_id, 'read');
      const where = filtersOf(tenant.account.id, q);
      const joined = withScore;
      const rowsQuery = tenant.db
        .select({
          content_id: content.id,
          title: content.title,
          status: content.status,
          slug: content.slug,
          primary_keyword: content.primary_keyword,
          word_count: content.word_count,
          updated_at: content.updated_at,
          score: contentScores.score,
          band: contentScores.band,
          scorer_version: contentScores.scorer_version,
          categories: contentScores.categories,
          issues: contentScores.issues,
          scored_at: contentScores.scored_at,
        })
        .from(content)
        .leftJoin(contentScores, joined)
        .where(where)
        .orderBy(...orderOf(q.ordering))
        .limit(q.page_size)
        .offset((q.page - 1) * q.page_size);
      const countQuery = tenant.db.select({ n: count() }).from(content).leftJoin(contentScores, joined).where(where);
      const [rows, totals] = await tenant.db.batch([rowsQuery, countQuery]);
      return page(c, rows, totals[0]?.n ?? 0, q.page, q.page_size);
    },
  )
  .get(
    '/scores/:contentId/history',
    describe("An article's score over time (one point per change), oldest first", ['optimizer']),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const { id } = await requireContent(tenant, idParam(c, 'contentId'), 'read');
      const rows = await tenant.db
        .select({
          score: contentScoreHistory.score,
          scorer_version: contentScoreHistory.scorer_version,
          words: contentScoreHistory.words,
          at: contentScoreHistory.at,
        })
        .from(contentScoreHistory)
        .where(and(eq(contentScoreHistory.account_id, tenant.account.id), eq(contentScoreHistory.content_id, id)))
        .orderBy(desc(contentScoreHistory.id))
        .limit(HISTORY_LIMIT)
        .all();
      return ok(c, rows.reverse());
    },
  )
  .get(
    '/optimize/quote',
    describe('The credits AI fixes cost for an article, the checks each addresses and whether it has work', [
      'optimizer',
    ]),
    authenticate,
    tenantContext,
    query(optimizeQuoteQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      const { id } = await requireContent(tenant, q.content_id, 'read');
      return ok(c, await optimizeQuote(c.env, tenant, id, q.actions));
    },
  )
  .post(
    '/optimize',
    describe('AI fixes (intro, outline section, long paragraphs, meta description) as a job', ['optimizer']),
    authenticate,
    tenantContext,
    body(optimizeBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      const { siteId, ids } = input.filter
        ? await articlesMatching(tenant, { ...input, filter: input.filter }, MAX_OPTIMIZE_BATCH, 'fix')
        : await requireSelection(tenant, content, input.content_ids, 'Content', 'write').then(({ siteId, rows }) => ({
            siteId,
            ids: rows.map((r) => r.id),
          }));
      const job = await startJob(c, tenant, siteId, 'optimize_content', { content_ids: ids, actions: input.actions });
      return ok(c, { task_id: job.id, job }, 202, 'AI fixes started.');
    },
  );
