import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** Author profiles: CRUD (settings:manage to change, any member reads); mounted at /v1/system/author-profiles. */
export const authorProfileRoutes = new Hono<AppEnv>();
