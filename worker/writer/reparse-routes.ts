import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** The seed's reparse (1 credit), at /v1/writer/content: guards per route (contentRoutes shares the prefix). */
export const reparseRoutes = new Hono<AppEnv>();
