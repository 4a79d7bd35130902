import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** Forgot password and reset links: mounted at /v1/auth/password-reset. */
export const passwordResetRoutes = new Hono<AppEnv>();
