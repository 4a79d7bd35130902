import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** The status page's checks: mounted at /v1/system/status. */
export const statusRoutes = new Hono<AppEnv>();
