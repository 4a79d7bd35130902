import type { Env } from '../env';

/**
 * The app's origin for links made outside a request (a cron duty, a queue consumer): the
 * configured APP_HOSTNAME, else the first allowed origin (development), else the dev default.
 */
export function appOrigin(env: Pick<Env, 'APP_HOSTNAME' | 'ALLOWED_ORIGINS'>): string {
  if (env.APP_HOSTNAME) return `https://${env.APP_HOSTNAME}`;
  return env.ALLOWED_ORIGINS.split(',')[0]?.trim() || 'http://localhost:8787';
}
