import { Hono } from 'hono';
import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { aiCallLogs } from '../../core/schema/shard';
import { aiCallsQuery, type AiCallsQuery } from '../../core/validation/system';
import type { AppEnv } from '../env';
import { ApiError, NotFound } from '../http/errors';
import { ok, page } from '../http/respond';
import { describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext, type Tenant } from '../middleware/tenant';

function filters(accountId: number, q: AiCallsQuery): SQL | undefined {
  const where: (SQL | undefined)[] = [eq(aiCallLogs.account_id, accountId)];
  if (q.purpose) where.push(eq(aiCallLogs.purpose, q.purpose));
  if (q.status) where.push(eq(aiCallLogs.status, q.status));
  if (q.site_id) where.push(eq(aiCallLogs.site_id, q.site_id));
  if (q.model) where.push(eq(aiCallLogs.model, q.model));
  if (q.job_id) where.push(eq(aiCallLogs.job_id, q.job_id));
  if (q.repaired !== undefined) where.push(eq(aiCallLogs.repaired, q.repaired));
  if (q.since) where.push(gte(aiCallLogs.created_at, q.since));
  if (q.until) where.push(lte(aiCallLogs.created_at, q.until));
  return and(...where);
}

/** A row as the API shows it: `body_available` says whether its bodies are still kept (not the R2 key). */
function view(row: typeof aiCallLogs.$inferSelect) {
  const { body_key, ...rest } = row;
  return { ...rest, body_available: Boolean(body_key) };
}

async function callOf(tenant: Tenant, id: number) {
  const row = await tenant.db
    .select()
    .from(aiCallLogs)
    .where(and(eq(aiCallLogs.account_id, tenant.account.id), eq(aiCallLogs.id, id)))
    .get();
  if (!row) throw new NotFound('AI call');
  return row;
}

/**
 * The AI call log (owner/admin, 'system:status'; a developer reads another account's with
 * X-Account-ID): one row per provider call, its bodies in R2 for 30 days.
 */
export const aiCallRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext, requirePermission('system:status'))
  .get('/', describe('AI provider calls, newest first, with filters', ['system']), query(aiCallsQuery), async (c) => {
    const tenant = c.get('tenant');
    const q = c.req.valid('query');
    const where = filters(tenant.account.id, q);
    const [rows, total] = await Promise.all([
      tenant.db
        .select()
        .from(aiCallLogs)
        .where(where)
        .orderBy(desc(aiCallLogs.created_at), desc(aiCallLogs.id))
        .limit(q.page_size)
        .offset((q.page - 1) * q.page_size)
        .all(),
      tenant.db.select({ n: sql<number>`count(*)` }).from(aiCallLogs).where(where).get(),
    ]);
    return page(c, rows.map(view), total?.n ?? 0, q.page, q.page_size);
  })
  .get('/:id', describe('One AI call', ['system']), async (c) => {
    return ok(c, view(await callOf(c.get('tenant'), idParam(c))));
  })
  .get('/:id/body', describe("An AI call's request and reply (kept 30 days)", ['system']), async (c) => {
    const row = await callOf(c.get('tenant'), idParam(c));
    const object = row.body_key ? await c.env.MEDIA.get(row.body_key) : null;
    if (!object) throw new ApiError(410, 'The bodies of this call are no longer kept (30 days).', 'body_expired');
    return ok(c, JSON.parse(await object.text()) as Record<string, unknown>);
  });
