import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** Moving an account to another shard (developer role only): mounted at /v1/admin/moves. */
export const moveRoutes = new Hono<AppEnv>();
