import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** Content strategies per sector: CRUD; mounted at /v1/system/strategies. */
export const strategyRoutes = new Hono<AppEnv>();
