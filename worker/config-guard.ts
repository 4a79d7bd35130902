import type { ApiFailure } from '../core/api/envelope';
import type { Env } from './env';
import { ApiError } from './http/errors';

/**
 * Refuses to run production with development settings. wrangler.toml's [vars] (what a plain
 * `wrangler deploy` ships) hold only production values and the development ones live in .dev.vars
 * (scripts/lib.sh); this guard is the backstop for a dashboard edit, a stray `--var` or a
 * forgotten secret: each would quietly open a hole (loopback fetches, the unauthenticated dev
 * model, test hooks, forgeable tokens), so the worker answers 503 instead.
 */

type GuardedEnv = Partial<
  Pick<
    Env,
    | 'APP_ENV'
    | 'ALLOW_LOOPBACK_URLS'
    | 'DEV_MODEL_URL'
    | 'TEST_ROUTES'
    | 'BENCH_ROUTES'
    | 'SIGNUP_LIMIT_PER_HOUR'
    | 'ALLOWED_ORIGINS'
    | 'JWT_SECRET'
    | 'ENCRYPTION_KEY'
  >
>;

/**
 * Development only when APP_ENV says exactly "development": unset, misspelt or any other value
 * counts as production, so a mistake fails closed.
 */
export const isDevelopment = (env: Pick<GuardedEnv, 'APP_ENV'>) => env.APP_ENV === 'development';

const isOn = (value: string | undefined) => ['true', '1', 'yes', 'on'].includes((value ?? '').trim().toLowerCase());

/** Hosts only a developer's own machine answers to. */
const LOCAL_HOST = /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\])$/i;

function devOrigins(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .filter((origin) => {
      try {
        const url = new URL(origin);
        return url.protocol !== 'https:' || LOCAL_HOST.test(url.hostname);
      } catch {
        return true;
      }
    });
}

/** The AES-GCM key of worker/lib/crypto.ts: exactly 32 bytes of base64 (or base64url). */
function isEncryptionKey(value: string | undefined): boolean {
  if (!value) return false;
  try {
    return atob(value.replace(/-/g, '+').replace(/_/g, '/')).length === 32;
  } catch {
    return false;
  }
}

/**
 * Every reason this configuration must not serve as production, one sentence per variable
 * (empty when it may serve, and always empty in development). Pure: the spec table is
 * worker/config-guard.spec.ts.
 */
export function developmentSwitchesInProduction(env: GuardedEnv): string[] {
  if (isDevelopment(env)) return [];
  const problems: string[] = [];
  if (isOn(env.ALLOW_LOOPBACK_URLS))
    problems.push('ALLOW_LOOPBACK_URLS is on (tenant URLs could reach loopback addresses)');
  if (env.DEV_MODEL_URL?.trim())
    problems.push('DEV_MODEL_URL is set (accounts without a key would get the dev model server)');
  if (isOn(env.TEST_ROUTES)) problems.push('TEST_ROUTES is on (test-only hooks are mounted)');
  if (isOn(env.BENCH_ROUTES)) problems.push('BENCH_ROUTES is on (benchmark routes are mounted)');
  if (env.SIGNUP_LIMIT_PER_HOUR?.trim())
    problems.push('SIGNUP_LIMIT_PER_HOUR is set (the sign-up throttle is for test servers only to loosen)');
  const origins = devOrigins(env.ALLOWED_ORIGINS);
  if (origins.length)
    problems.push(
      `ALLOWED_ORIGINS lists ${origins.join(', ')} (only https origins of real hosts; no localhost, loopback or http:)`,
    );
  if (!env.JWT_SECRET || env.JWT_SECRET.length < 32)
    problems.push('JWT_SECRET is missing or shorter than 32 characters (wrangler secret put JWT_SECRET)');
  if (!isEncryptionKey(env.ENCRYPTION_KEY))
    problems.push('ENCRYPTION_KEY is missing or not 32 bytes of base64 (wrangler secret put ENCRYPTION_KEY)');
  return problems;
}

/** What every client gets: which switch is set is for the operator's log, not for the public. */
export class MisconfiguredForProduction extends ApiError {
  constructor() {
    super(
      503,
      'This service is unavailable: it is running as production with development settings. ' +
        'The operator has been told which in the log.',
      'misconfigured',
      undefined,
      { 'Retry-After': '300' },
    );
  }
}

/**
 * The check the worker runs before anything else, once per env object (the bindings don't change
 * within an isolate); the log line is written once per isolate, not once per request, so a
 * misconfigured deploy doesn't flood the logs. Returns the 503 to answer, or null to serve.
 */
export function createConfigGuard(log: (line: string) => void = (line) => console.error(line)) {
  const checked = new WeakMap<object, string[]>();
  let logged = false;
  const problemsOf = (env: Env) => {
    let problems = checked.get(env);
    if (!problems) checked.set(env, (problems = developmentSwitchesInProduction(env)));
    return problems;
  };
  return {
    /** True when this env may serve (for the cron and queue, which have no response to give). */
    allows(env: Env): boolean {
      const problems = problemsOf(env);
      if (problems.length && !logged) {
        logged = true;
        const mode = env.APP_ENV ? `APP_ENV is "${env.APP_ENV}"` : 'APP_ENV is unset (production)';
        log(
          JSON.stringify({
            level: 'error',
            message:
              `Refusing to serve: ${mode} but ${problems.join('; ')}. ` +
              'Development values belong in .dev.vars, never in [vars] or production secrets.',
          }),
        );
      }
      return problems.length === 0;
    },
    refusal(env: Env): Response | null {
      if (this.allows(env)) return null;
      const error = new MisconfiguredForProduction();
      const requestId = crypto.randomUUID();
      const body: ApiFailure = { success: false, error: error.message, code: error.code, request_id: requestId };
      return Response.json(body, { status: error.status, headers: { ...error.headers, 'X-Request-ID': requestId } });
    },
  };
}
