import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** The developer console (developer role only): mounted at /v1/admin. */
export const adminRoutes = new Hono<AppEnv>();
