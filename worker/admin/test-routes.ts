import { Hono } from 'hono';
import { promoteDeveloperBody } from '../../core/validation/admin';
import { promoteToDeveloper } from '../auth/admin-accounts';
import { controlDb } from '../db/shards';
import type { AppEnv } from '../env';
import { NotFound } from '../http/errors';
import { ok } from '../http/respond';
import { body } from '../http/validate';

/**
 * Test-only: makes a signed-up user a developer (the browser suite's way to the developer console, as
 * tests/api/system-roles.test.ts does in the database). Mounted at /v1/_test before the draft hooks (whose
 * use('*') wants a session); 404 unless TEST_ROUTES is "true", so never in production.
 */
export const adminTestRoutes = new Hono<AppEnv>().post(
  '/promote-developer',
  async (c, next) => {
    if (c.env.TEST_ROUTES !== 'true') throw new NotFound('Route');
    await next();
  },
  body(promoteDeveloperBody),
  async (c) => {
    const row = await promoteToDeveloper(controlDb(c.env), c.req.valid('json').email);
    if (!row) throw new NotFound('User');
    return ok(c, row);
  },
);
