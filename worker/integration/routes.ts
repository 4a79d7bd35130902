import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** Placeholder: being built (issue 13). */
export const integrationRoutes = new Hono<AppEnv>();
