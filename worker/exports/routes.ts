import { and, count, desc, eq, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { accountExports } from '../../core/schema/shard';
import { exportListQuery } from '../../core/validation/exports';
import type { AppEnv } from '../env';
import { ApiError, Conflict, NotFound } from '../http/errors';
import { ok, page } from '../http/respond';
import { describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, type Tenant, tenantContext } from '../middleware/tenant';
import type { AccountExportMessage } from './messages';

type ExportRow = typeof accountExports.$inferSelect;

/** An export as the API shows it (the R2 key stays inside: the download route serves it). */
function exportView(row: ExportRow, now = Date.now()) {
  const expired =
    row.status === 'expired' || (row.status === 'ready' && !!row.expires_at && row.expires_at.getTime() <= now);
  return {
    id: row.id,
    status: expired ? ('expired' as const) : row.status,
    progress: row.progress as { step?: string; done?: number; total?: number },
    bytes: row.bytes,
    error: row.error,
    created_at: row.created_at,
    finished_at: row.finished_at,
    expires_at: row.expires_at,
    download_url: row.status === 'ready' && !expired ? `/api/v1/auth/account/exports/${row.id}/download/` : null,
  };
}

async function requireExport(tenant: Tenant, id: number) {
  const row = await tenant.db
    .select()
    .from(accountExports)
    .where(and(eq(accountExports.account_id, tenant.account.id), eq(accountExports.id, id)))
    .get();
  if (!row) throw new NotFound('Export');
  return row;
}

const TAGS = ['auth'];

/**
 * Account exports, mounted at /v1/auth/account/exports. Permission `billing:manage` (owner and developer):
 * an export carries every row of the account out of the app, so it belongs to whoever owns the account,
 * the same people who manage its money; admins manage users and settings but don't take the data away.
 * Guards per route: this module shares the /v1/auth/account prefix with accountRoutes (worker/app.ts).
 */
export const exportRoutes = new Hono<AppEnv>()
  .post(
    '/',
    describe('Export the whole account (zip of CSV/JSON + images), in the background', TAGS),
    authenticate,
    tenantContext,
    requirePermission('billing:manage'),
    async (c) => {
      const tenant = c.get('tenant');
      const running = await tenant.db
        .select({ id: accountExports.id })
        .from(accountExports)
        .where(
          and(eq(accountExports.account_id, tenant.account.id), inArray(accountExports.status, ['queued', 'running'])),
        )
        .get();
      if (running) throw new Conflict(`Export #${running.id} is still being made: wait for it.`, 'export_running');
      const row = await tenant.db
        .insert(accountExports)
        .values({
          account_id: tenant.account.id,
          requested_by_user_id: tenant.user.id,
          progress: { step: 'queued', done: 0, total: 0 },
        })
        .returning()
        .get();
      const message: AccountExportMessage = {
        v: 1,
        type: 'account.export',
        account_id: tenant.account.id,
        export_id: row.id,
      };
      await c.env.EVENTS.send(message);
      return ok(c, exportView(row), 202, 'The export is being made.');
    },
  )
  .get(
    '/',
    describe("The account's exports, newest first", TAGS),
    authenticate,
    tenantContext,
    requirePermission('billing:manage'),
    query(exportListQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      const where = eq(accountExports.account_id, tenant.account.id);
      const [rows, total] = await Promise.all([
        tenant.db
          .select()
          .from(accountExports)
          .where(where)
          .orderBy(desc(accountExports.id))
          .limit(q.page_size)
          .offset((q.page - 1) * q.page_size)
          .all(),
        tenant.db.select({ n: count() }).from(accountExports).where(where).get(),
      ]);
      return page(
        c,
        rows.map((r) => exportView(r)),
        total?.n ?? 0,
        q.page,
        q.page_size,
      );
    },
  )
  .get(
    '/:id',
    describe('One export: status and progress', TAGS),
    authenticate,
    tenantContext,
    requirePermission('billing:manage'),
    async (c) => ok(c, exportView(await requireExport(c.get('tenant'), idParam(c)))),
  )
  .get(
    '/:id/download',
    describe('Download a ready export (zip); 410 once it expired', TAGS),
    authenticate,
    tenantContext,
    requirePermission('billing:manage'),
    async (c) => {
      const row = await requireExport(c.get('tenant'), idParam(c));
      const view = exportView(row);
      if (view.status === 'expired')
        throw new ApiError(410, 'This export expired: request a new one.', 'export_expired');
      if (view.status !== 'ready' || !row.r2_key) throw new Conflict('This export is not ready.', 'export_not_ready');
      const object = await c.env.MEDIA.get(row.r2_key);
      if (!object) throw new ApiError(410, 'This export is no longer stored: request a new one.', 'export_expired');
      const stamp = (row.finished_at ?? new Date()).toISOString().slice(0, 10);
      return new Response(object.body, {
        headers: {
          'content-type': 'application/zip',
          'content-disposition': `attachment; filename="igny8-export-${row.account_id}-${stamp}.zip"`,
          'cache-control': 'private, no-store',
          'x-content-type-options': 'nosniff',
        },
      });
    },
  );
