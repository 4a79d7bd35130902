import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** Account exports (owner): mounted at /v1/auth/account/exports. */
export const exportRoutes = new Hono<AppEnv>();
