import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { ok } from '../http/respond';
import { describe } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext } from '../middleware/tenant';
import { statusReport } from './status';

/**
 * The status page's checks: mounted at /v1/system/status. Owners and admins see the control database and
 * their own shard; a developer every shard and every account's dead letters ('system:status').
 */
export const statusRoutes = new Hono<AppEnv>().get(
  '/',
  authenticate,
  tenantContext,
  requirePermission('system:status'),
  describe('Health of the databases, Durable Objects, R2, the queue, the cron and the AI provider', ['system']),
  async (c) => {
    const report = await statusReport(c.env, c.get('tenant'));
    c.header('cache-control', 'no-store');
    return ok(c, report);
  },
);
