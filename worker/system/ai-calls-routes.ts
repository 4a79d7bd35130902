import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** The AI call log (owner/admin): mounted at /v1/system/ai-calls. */
export const aiCallRoutes = new Hono<AppEnv>();
